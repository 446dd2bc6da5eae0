import { startEmulator } from '../../src/emulator';

/**
 * The database for every contender, in its own process as a real mongod would be, so its CPU
 * is not counted against the servers. Prints nothing; sends {uri} over IPC when listening.
 */
async function main(): Promise<void> {
  const historySize = Number(process.argv[2] ?? 100_000);
  const emulator = await startEmulator({ historySize });
  let cpuMark = process.cpuUsage();
  let timeMark = performance.now();
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stats') {
      const cpu = process.cpuUsage(cpuMark);
      const elapsed = performance.now() - timeMark;
      cpuMark = process.cpuUsage();
      timeMark = performance.now();
      process.send?.({
        type: 'stats',
        memory: process.memoryUsage(),
        cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
      });
    } else if (message?.type === 'stop') {
      void emulator.stop().then(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', uri: emulator.uri });
}

// The orchestrator is gone (killed or crashed): do not linger as an orphan.
process.on('disconnect', () => process.exit(0));

main().catch((error: unknown) => {
  console.error(`emulator process: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
