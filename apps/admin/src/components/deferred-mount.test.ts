import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { h, nextTick } from 'vue';
import DeferredMount from './deferred-mount.vue';

function render() {
  return mount(DeferredMount, {
    slots: {
      default: () => h('div', { class: 'widget' }, 'the widget'),
      placeholder: ({ mount: now }: { mount: () => void }) => h('button', { class: 'stand-in', onClick: now }, 'soon'),
    },
  });
}

describe('DeferredMount', () => {
  it('shows the placeholder in the first frame and the widget once the browser is idle', async () => {
    let idle: (() => void) | undefined;
    vi.stubGlobal('requestIdleCallback', (fn: () => void) => {
      idle = fn;
      return 1;
    });
    vi.stubGlobal('cancelIdleCallback', () => undefined);
    const wrapper = render();
    expect(wrapper.find('.stand-in').exists()).toBe(true);
    expect(wrapper.find('.widget').exists()).toBe(false);
    idle?.();
    await nextTick();
    expect(wrapper.find('.widget').exists()).toBe(true);
    expect(wrapper.find('.stand-in').exists()).toBe(false);
    await nextTick();
    expect(wrapper.emitted('mounted')).toEqual([[false]]);
    vi.unstubAllGlobals();
  });

  it('makes the widget at once when the placeholder asks, and says it was the user', async () => {
    vi.stubGlobal('requestIdleCallback', () => 1);
    const cancel = vi.fn();
    vi.stubGlobal('cancelIdleCallback', cancel);
    const wrapper = render();
    await wrapper.find('.stand-in').trigger('click');
    await nextTick();
    expect(wrapper.find('.widget').exists()).toBe(true);
    expect(cancel).toHaveBeenCalledWith(1);
    expect(wrapper.emitted('mounted')).toEqual([[true]]);
    vi.unstubAllGlobals();
  });
});

describe('DeferredMount after a condition', () => {
  it('waits for `after` before it waits for the browser to be idle', async () => {
    const idle: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (fn: () => void) => idle.push(fn));
    vi.stubGlobal('cancelIdleCallback', () => undefined);
    const wrapper = mount(DeferredMount, {
      props: { after: false },
      slots: { default: () => h('div', { class: 'widget' }), placeholder: () => h('span', { class: 'stand-in' }) },
    });
    expect(idle).toHaveLength(0);
    await wrapper.setProps({ after: true });
    expect(idle).toHaveLength(1);
    idle[0]?.();
    await nextTick();
    expect(wrapper.find('.widget').exists()).toBe(true);
    vi.unstubAllGlobals();
  });
});
