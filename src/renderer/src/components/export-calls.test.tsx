// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCsv } from '../../../shared/export/csv-reader.test-support';
import { downloadFile } from '../api';
import { renderApp } from '../test-support/render-app';
import { callEntry, createMemoryApi, emptySnapshot } from '../test-support/memory-api';

afterEach(cleanup);

const snapshot = () =>
  emptySnapshot({
    calls: [
      callEntry({
        callSid: 'CA1',
        contactName: 'Ann Lee',
        status: 'ringing',
        agentId: 'ag-1',
        campaignId: 'K1',
      }),
      callEntry({
        callSid: 'CA2',
        contactName: '=HYPERLINK("http://evil.example")',
        status: 'in-progress',
        agentId: 'ag-2',
        campaignId: 'K2',
      }),
      callEntry({ callSid: 'CA3', contactName: 'Cy Diaz', status: 'queued', agentId: 'ag-1' }),
    ],
  });

/** The rows the table shows, top to bottom, by their contact cell. */
const shownContacts = () =>
  within(screen.getByRole('grid', { name: 'Active calls' }))
    .queryAllByRole('row')
    .slice(1)
    .map((row) => within(row).queryAllByRole('gridcell')[0]?.textContent ?? '');

describe('Export CSV', () => {
  it('exports the calls the table shows, filtered and in its order, as a file', async () => {
    const { api } = renderApp(snapshot());
    await screen.findByText('Ann Lee');
    fireEvent.change(screen.getByLabelText('Agent'), { target: { value: 'ag-1' } });
    fireEvent.click(screen.getByRole('button', { name: /Contact/ }));
    const shown = shownContacts();
    expect(shown).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await screen.findByText(/^Exported 2 calls to \/tmp\/callboard-calls-/);
    const [, fileName, csv] = api.calls.find((c) => c[0] === 'exportCsv') as [
      string,
      string,
      string,
    ];
    expect(fileName).toMatch(/^callboard-calls-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.csv$/);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const records = readCsv(csv.slice(1));
    const contact = records[0]!.indexOf('Contact');
    expect(records.slice(1).map((r) => r[contact])).toEqual(shown);
  });

  it('neutralises a formula a contact name carries', async () => {
    const { api } = renderApp(snapshot());
    await screen.findByText('Ann Lee');
    fireEvent.change(screen.getByLabelText('Agent'), { target: { value: 'ag-2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await screen.findByText(/Exported 1 call to/);
    const csv = api.calls.find((c) => c[0] === 'exportCsv')![2] as string;
    const records = readCsv(csv.slice(1));
    expect(records[1]![records[0]!.indexOf('Contact')]).toBe(`'=HYPERLINK("http://evil.example")`);
  });

  it('says when the export was cancelled or failed', async () => {
    const api = createMemoryApi(snapshot());
    const answers = [
      { ok: true as const, value: { saved: false as const } },
      { ok: false as const, code: 'internal' as const, message: 'cannot write /x.csv: EACCES' },
    ];
    api.exportCsv = async () => answers.shift()!;
    renderApp(undefined, api);
    await screen.findByText('Ann Lee');
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Export cancelled')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Export failed: cannot write /x.csv: EACCES')).toBeTruthy();
  });

  it('is off while there are no calls', async () => {
    renderApp(emptySnapshot());
    const button = await screen.findByRole('button', { name: 'Export CSV' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });

  it('the web dashboard offers the file as a download through a link', async () => {
    const clicked: { href: string; download: string }[] = [];
    const blobs = vi.spyOn(URL, 'createObjectURL');
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push({ href: this.href, download: this.download });
    });
    try {
      downloadFile('calls.csv', 'A\r\n', 'text/csv;charset=utf-8', document);
      expect(clicked).toHaveLength(1);
      expect(clicked[0]!.download).toBe('calls.csv');
      expect(clicked[0]!.href).toBe(blobs.mock.results[0]!.value);
      const blob = blobs.mock.calls[0]![0] as Blob;
      expect(blob.type).toBe('text/csv;charset=utf-8');
      expect(await blob.text()).toBe('A\r\n');
      // The link was only there for the click.
      expect(document.querySelectorAll('a[download]')).toHaveLength(0);
    } finally {
      click.mockRestore();
      blobs.mockRestore();
    }
  });
});
