// Browser tests of the dangbo UI: Debian's Chromium driven by playwright-core, on a phone-sized
// screen, against a real server with the Đầm Hà demo on a temporary SQLite database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const bin = process.env.DANGBO_BIN ?? join(process.env.CARGO_TARGET_DIR ?? '../target', 'debug', 'dangbo');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
let server, base, browser, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dangbo-e2e-'));
  server = spawn(bin, ['serve', '--demo', '--listen', '127.0.0.1:0', '--database-url', `sqlite://${dir}/e2e.sqlite3`], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 120 s')), 120_000);
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/dangbo: (http:\/\/[^\s]+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function phone() {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  return context.newPage();
}

async function login(page, user, password) {
  await page.goto(`${base}/orgs`);
  assert.match(page.url(), /\/login\?next=/);
  await page.fill('#u', user);
  await page.fill('#p', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/orgs/);
}

test('a committee officer reads the 2019 figures on a phone, in Vietnamese and English', async () => {
  const page = await phone();
  await login(page, 'quangninh', 'dangbo-quangninh');
  await page.goto(`${base}/orgs/DH?as_of=2019-12-31`);
  assert.equal(await page.textContent('h1'), 'Đảng bộ huyện Đầm Hà');
  const counts = await page.$$eval('.counts dd', (els) => els.map((e) => e.textContent));
  assert.deepEqual(counts.slice(0, 2), ['35', '2.068']);
  // Nothing is wider than the screen.
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide on a ${innerWidth}px screen`);
  // Tap targets are large enough.
  const button = await page.$eval('.asof button', (b) => b.getBoundingClientRect().height);
  assert.ok(button >= 44, `button is ${button}px high`);
  await page.click('a.lang');
  await page.waitForURL(/\/orgs\/DH/);
  const en = await page.$$eval('.counts dd', (els) => els.map((e) => e.textContent));
  assert.equal(en[1], '2,068');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.screenshot({ path: join(dir, 'org-phone.png'), fullPage: false });
  await page.context().close();
});

test('a branch secretary adds a member and sees the error beside the field first', async () => {
  const page = await phone();
  await login(page, 'bithu', 'dangbo-bithu');
  await page.goto(`${base}/members/new?org=DH-TT-01`);
  await page.fill('#f-family_name', 'Lò');
  await page.fill('#f-middle_name', 'Thị');
  await page.fill('#f-given_name', 'Mỷ');
  await page.check('input[name=sex][value=female]');
  await page.fill('#f-birth_date', '12/05/2031');
  await page.fill('#f-admission_decision_date', '02/03/2025');
  await page.fill('#f-ceremony_date', '20/03/2025');
  await page.click('form.form button[type=submit]');
  assert.equal(await page.textContent('#e-birth_date'), 'Ngày sinh: không được sau ngày hôm nay.');
  assert.equal(await page.inputValue('#f-given_name'), 'Mỷ');
  await page.fill('#f-birth_date', '12/05/1995');
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/\/members\/[0-9a-f-]+$/);
  assert.equal(await page.textContent('h1'), 'Lò Thị Mỷ');
  // The secretary finds her without diacritics.
  await page.goto(`${base}/members?q=lo+thi+my`);
  const names = await page.$$eval('table.list tbody td:first-child', (els) => els.map((e) => e.textContent));
  assert.ok(names.includes('Lò Thị Mỷ'), names.join(', '));
  await page.context().close();
});

test('a branch secretary takes attendance on a phone with one tap per absence, votes and closes the minutes', async () => {
  const page = await phone();
  await login(page, 'bithu', 'dangbo-bithu');
  await page.goto(`${base}/orgs/DH-TT-01/meetings`);
  await page.fill('#f-place', 'Nhà văn hóa khu phố 1');
  await page.click('details[open] form.form button[type=submit]');
  await page.waitForURL(/\/meetings\/[0-9a-f-]+$/);
  const rows = await page.$$('fieldset.att');
  assert.ok(rows.length > 10, `${rows.length} members`);
  // Everyone is preselected present (or exempt / away): one tap marks an absence.
  const present = await page.$$('fieldset.att input[value=present]:checked');
  assert.ok(present.length >= rows.length - 3);
  const second = rows[1];
  await (await second.$('input[value=absent_excused]')).tap();
  await (await second.$('input[name^="r."]')).fill('Ốm');
  const chair = await page.$eval('#f-chair option:nth-child(2)', (o) => o.value);
  await page.selectOption('#f-chair', chair);
  await page.selectOption('#f-secretary', chair);
  await page.click('text=Lưu điểm danh');
  await page.waitForURL(/\/meetings\/[0-9a-f-]+$/);
  const criteria = await page.$$eval('.criteria li', (els) => els.map((e) => e.textContent.trim()));
  assert.ok(criteria.includes('✓ Đủ số đảng viên có mặt để biểu quyết'), criteria.join(' | '));
  await page.click('text=Ghi kết quả biểu quyết');
  await page.selectOption('#f-kind', 'resolution');
  await page.fill('#f-subject', 'Nghị quyết tháng 11');
  await page.fill('#f-votes_for', '3');
  await page.fill('#f-against', '10');
  await page.click('details[open] form.form button[type=submit]');
  await page.waitForURL(/\/meetings\/[0-9a-f-]+$/);
  assert.match(await page.textContent('table.list td.no'), /^Không đạt: 3\//);
  await page.screenshot({ path: join(dir, 'meeting.png'), fullPage: false });
  await page.click('text=Khóa biên bản');
  await page.waitForURL(/\/meetings\/[0-9a-f-]+$/);
  assert.equal(await page.$('fieldset.att'), null, 'closed minutes take no more attendance');
  const pdf = await page.request.get(page.url() + '/minutes.pdf');
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await page.context().close();
});
