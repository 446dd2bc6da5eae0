export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Callboard</h1>
      </header>
      <main className="app-main" aria-label="Call centre monitor">
        <p>Connecting…</p>
      </main>
    </div>
  );
}
