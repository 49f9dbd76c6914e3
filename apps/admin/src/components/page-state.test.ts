import { TRPCClientError } from '@trpc/client';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../locales';
import PageState from './page-state.vue';
import type { PageStateName } from './page-state';

function render(state: PageStateName, props: Record<string, unknown> = {}) {
  return mount(PageState, {
    props: { state, ...props },
    slots: { default: '<table class="rows">the rows</table>' },
    global: { plugins: [i18n] },
  });
}

describe('PageState', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    i18n.global.locale.value = 'zh-CN';
  });

  it('shows the content only when ready', () => {
    expect(render('ready').find('.rows').exists()).toBe(true);
    for (const state of ['loading', 'empty', 'error', 'refused'] as const) {
      expect(render(state).find('.rows').exists()).toBe(false);
    }
  });

  it('shows a skeleton while loading and says when there is nothing', () => {
    expect(render('loading', { rows: 3 }).find('.el-skeleton').exists()).toBe(true);
    expect(render('empty').text()).toContain('No data');
    expect(render('empty', { emptyText: 'No machine yet' }).text()).toContain('No machine yet');
  });

  it("shows the API's message with a retry button on error", async () => {
    const error = new TRPCClientError('Machine not found', {
      result: { error: { message: 'Machine not found', code: -32004, data: { code: 'NOT_FOUND' } } },
    });
    const wrapper = render('error', { error });
    expect(wrapper.text()).toContain('Could not load');
    expect(wrapper.text()).toContain('Machine not found');
    await wrapper.find('button').trigger('click');
    expect(wrapper.emitted('retry')).toHaveLength(1);
    expect(render('error', { error: new TypeError('fetch failed') }).text()).toContain('Cannot reach the server');
  });

  it('says why a refused page is refused', () => {
    const wrapper = render('refused', { reason: 'You do not have the permission “Products” (00108)' });
    expect(wrapper.text()).toContain('Access refused');
    expect(wrapper.text()).toContain('(00108)');
  });
});
