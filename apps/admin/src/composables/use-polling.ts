/**
 * Runs `fn` every `ms` while the page is visible, for screens that update without a reload.
 * Waits for one run to end before the next is timed (no pile-up behind a slow API), runs
 * at once when the tab comes back into view, and stops when the component unmounts.
 *
 *     const { stop, start, running } = usePolling(() => list.reload(), 5000);
 */
import { getCurrentInstance, onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export interface Polling {
  /** Whether polling is on (it pauses by itself while the page is hidden). */
  running: Ref<boolean>;
  start(): void;
  stop(): void;
}

export function usePolling(fn: () => unknown, ms: number, options: { immediate?: boolean } = {}): Polling {
  const running = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;

  const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

  function schedule(): void {
    clearTimeout(timer);
    if (running.value && !hidden()) timer = setTimeout(() => void tick(), ms);
  }

  async function tick(): Promise<void> {
    if (!running.value || inFlight || hidden()) return;
    inFlight = true;
    try {
      await fn();
    } catch {
      // The page shows its own errors; polling goes on and may succeed next time.
    } finally {
      inFlight = false;
      schedule();
    }
  }

  function onVisibility(): void {
    if (!running.value) return;
    if (hidden()) clearTimeout(timer);
    else void tick();
  }

  function start(): void {
    if (running.value) return;
    running.value = true;
    document.addEventListener('visibilitychange', onVisibility);
    if (options.immediate) void tick();
    else schedule();
  }

  function stop(): void {
    running.value = false;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  }

  if (getCurrentInstance()) {
    onMounted(start);
    onBeforeUnmount(stop);
  } else {
    start();
  }

  return { running, start, stop };
}
