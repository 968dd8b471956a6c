import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connectStudio } from './pipe/connect.js';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
void connectStudio().then((c) => {
  if (!c.ok) {
    root.render(<div className="banner error">{c.error}</div>);
    return;
  }
  document.body.dataset.mode = c.mode;
  root.render(
    <StrictMode>
      <App client={c.client} mode={c.mode} closed={c.closed} />
    </StrictMode>,
  );
});
