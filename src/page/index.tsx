// Entry of the embedded page (build/page/index.html).
import { createRoot } from 'react-dom/client';
import { useCallback, useEffect, useState } from 'react';
import { App } from './App';

function Root() {
  const [size, setSize] = useState({ width: window.innerWidth, height: window.innerHeight });
  useEffect(() => {
    const onResize = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
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
