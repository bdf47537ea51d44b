// Entry of the embedded page (build/page/index.html): sizes the view to the window and keeps the URL.
import { createRoot } from 'react-dom/client';
import { useCallback, useEffect, useState } from 'react';
import { App } from './App';

/**
 * The width the page can use: the viewport without its scrollbar. The document scrolls when the view is
 * taller than the window, and then the scrollbar takes its width from the page; observing the root
 * element catches that as well as window resizes.
 */
function viewport() {
  return { width: document.documentElement.clientWidth || window.innerWidth, height: window.innerHeight };
}

function Root() {
  const [size, setSize] = useState(viewport);
  useEffect(() => {
    const onResize = () => setSize((s) => {
      const next = viewport();
      return next.width === s.width && next.height === s.height ? s : next;
    });
    window.addEventListener('resize', onResize);
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(onResize) : null;
    observer?.observe(document.documentElement);
    return () => {
      window.removeEventListener('resize', onResize);
      observer?.disconnect();
    };
  }, []);
  // Keep the drill-down in the address bar without reloading.
  const onParams = useCallback((search: string) => {
    if (search !== window.location.search) window.history.replaceState(null, '', `${window.location.pathname}${search}`);
  }, []);
  return (
    <App
      base={new URL('.', document.baseURI).href}
      search={window.location.search}
      prefersLight={window.matchMedia?.('(prefers-color-scheme: light)').matches ?? false}
      width={size.width}
      height={size.height}
      onParams={onParams}
    />
  );
}

const el = document.getElementById('root');
if (el) createRoot(el).render(<Root />);
