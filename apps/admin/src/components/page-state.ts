/** The states a page's content can be in (`<PageState :state>`). */
export type PageStateName = 'loading' | 'empty' | 'error' | 'refused' | 'ready';
