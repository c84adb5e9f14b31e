/**
 * Hooks that let the observability layer watch common code without common/ importing it: the metrics
 * module registers an observer at start-up, and loaders report their batch sizes through it.
 */
type BatchObserver = (loader: string, size: number) => void;

let batchObserver: BatchObserver | null = null;

export function setBatchObserver(observer: BatchObserver | null): void {
  batchObserver = observer;
}

export function observeBatch(loader: string, size: number): void {
  batchObserver?.(loader, size);
}
