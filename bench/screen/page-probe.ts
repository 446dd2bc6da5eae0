/**
 * Injected into the dashboard before its scripts (page.addInitScript): a MutationObserver
 * that records, for every marker `BM<n>X` that appears in the page's visible text, when it
 * first appeared (Date.now() in the observer callback, i.e. right after the DOM commit that
 * added it) and when the next animation frame began (the frame that paints it). The writer
 * stamps Date.now() too: both run on this machine, so the clocks agree to the millisecond.
 * Screen-reader-only text (`.sr-only`, the polite announcer) is not on screen and is skipped.
 *
 * Serialised into the page: it must not use anything from its module scope.
 */
export interface ProbeSighting {
  marker: number;
  domAt: number;
  frameAt: number;
}

export function installScreenProbe(): void {
  const seen = new Map<number, ProbeSighting>();
  const pattern = /BM(\d+)X/g;
  const scan = (text: string | null, at: number, fresh: ProbeSighting[]) => {
    if (!text || !text.includes('BM')) return;
    for (const match of text.matchAll(pattern)) {
      const marker = Number(match[1]);
      if (seen.has(marker)) continue;
      const sighting = { marker, domAt: at, frameAt: Number.NaN };
      seen.set(marker, sighting);
      fresh.push(sighting);
    }
  };
  const hidden = (node: Node): boolean => {
    const element = node instanceof Element ? node : node.parentElement;
    return element?.closest('.sr-only') != null;
  };
  const observer = new MutationObserver((records) => {
    const at = Date.now();
    const fresh: ProbeSighting[] = [];
    for (const record of records) {
      if (record.type === 'characterData') {
        if (!hidden(record.target)) scan(record.target.nodeValue, at, fresh);
        continue;
      }
      for (const node of record.addedNodes) {
        if (!hidden(node)) scan(node.textContent, at, fresh);
      }
    }
    if (fresh.length === 0) return;
    requestAnimationFrame(() => {
      const frameAt = Date.now();
      for (const sighting of fresh) sighting.frameAt = frameAt;
    });
  });
  const start = () =>
    observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
  (window as unknown as { __screenProbe: unknown }).__screenProbe = {
    /** The sighting of each marker asked for, null for one not seen (yet). */
    get: (markers: number[]): (ProbeSighting | null)[] => markers.map((m) => seen.get(m) ?? null),
    count: (markers: number[]): number => markers.filter((m) => seen.has(m)).length,
  };
}
