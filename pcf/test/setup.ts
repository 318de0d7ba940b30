import '@testing-library/jest-dom';

/** Fluent v9's MessageBar measures itself with ResizeObserver, which jsdom does not have. */
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
(globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver ??= ResizeObserverStub;
