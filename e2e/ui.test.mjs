// Browser tests of the dangbo UI: Debian's Chromium driven by playwright-core, on a phone-sized
// screen, against a real server with the Đầm Hà demo on a temporary SQLite database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const bin = process.env.DANGBO_BIN ?? join(process.env.CARGO_TARGET_DIR ?? '../target', 'debug', 'dangbo');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
let server, base, browser, dir;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// DANGBO_SCREENSHOTS=<folder> keeps the key pages as PNG (README's screenshots come from here).
async function shot(page, name) {
  const folder = process.env.DANGBO_SCREENSHOTS;
  if (folder) await page.screenshot({ path: join(folder, `${name}.png`) });
}

let audits;
async function auditContext() {
  audits ??= await browser.newContext();
  return audits;
}

// What every page a test visits must hold: light (≤ 60 KB), no wider than the screen, no
// accessibility violation axe-core finds, and no internal or English word on a Vietnamese page.
async function inspect(page) {
  const html = await page.content();
  const bytes = Buffer.byteLength(html);
  assert.ok(bytes <= 60 * 1024, `${page.url()} weighs ${bytes} bytes`);
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollWidth <= innerWidth, `${page.url()} is ${scrollWidth}px wide on a ${innerWidth}px screen`);
  // axe-core waits on timers, which a page without JavaScript never runs: the very HTML the
  // user saw is audited in a page of its own, on the same site (so its style sheet loads).
  const audit = await (await auditContext()).newPage();
  await audit.setViewportSize(page.viewportSize());
  await audit.goto(`${base}/healthz`);
  await audit.setContent(html, { waitUntil: 'load' });
  await audit.evaluate(axeSource);
  const result = await audit.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  await audit.close();
  const violations = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(violations, [], `${page.url()}: axe-core`);
  const text = await page.textContent('main');
  for (const word of ['system', 'undefined', '(tháng)', 'gg:pp', 'văn bản gốc', 'nguồn thứ cấp']) {
    assert.ok(!text.includes(word), `${page.url()} shows "${word}"`);
  }
}

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

test('a branch secretary sees this month\'s meeting is not held, plans it, takes attendance with one tap per absence, votes and locks the minutes after a confirmation', async () => {
  const page = await phone();
  await login(page, 'bithu', 'dangbo-bithu');
  await page.goto(`${base}/`);
  await inspect(page);
  await shot(page, 'home-phone');
  assert.match(await page.textContent('.home-meeting p'), /chưa lên kế hoạch sinh hoạt tháng/);
  await page.click('text=Lên kế hoạch buổi sinh hoạt');
  await page.waitForURL(/\/orgs\/DH-TT-01\/meetings/);
  await inspect(page);
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
  await inspect(page);
  // Locking asks first, on a page of each criterion met or not.
  await page.click('text=Khóa biên bản');
  await page.waitForURL(/\/meetings\/[0-9a-f-]+\/close$/);
  await inspect(page);
  await shot(page, 'minutes-confirm-phone');
  const shown = await page.$$eval('.criteria li', (els) => els.map((e) => e.textContent.trim()));
  assert.ok(shown.some((c) => c.includes('chuẩn bị')), shown.join(' | '));
  await page.click('text=Đồng ý khóa biên bản');
  await page.waitForURL(/\/meetings\/[0-9a-f-]+$/);
  assert.equal(await page.$('fieldset.att'), null, 'closed minutes take no more attendance');
  const pdf = await page.request.get(page.url() + '/minutes.pdf');
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await page.goto(`${base}/`);
  assert.match(await page.textContent('.home-meeting p'), /biên bản đã khóa/);
  await page.context().close();
});

test('a branch secretary adds a candidate choosing nothing but names, sees a two-digit year refused, and moves them a step', async () => {
  const page = await phone();
  await login(page, 'bithu', 'dangbo-bithu');
  await page.goto(`${base}/`);
  await page.click('text=Thêm quần chúng ưu tú');
  await page.waitForURL(/\/candidates\/new/);
  await inspect(page);
  // Her one branch is chosen for her.
  assert.equal(await page.inputValue('#f-org'), 'DH-TT-01');
  assert.equal(await page.$eval('#f-org option:checked', (o) => o.textContent), 'Chi bộ Khu phố 1');
  await page.fill('#f-family_name', 'Hoàng');
  await page.fill('#f-middle_name', 'Văn');
  await page.fill('#f-given_name', 'Tú');
  await page.check('input[name=sex][value=male]');
  await page.fill('#f-birth_date', '15/8/98');
  await page.click('form.form button[type=submit]');
  // The error is listed at the top as a link to its field, and the field says it too.
  const links = await page.$$eval('.error-links a', (els) => els.map((a) => [a.getAttribute('href'), a.textContent]));
  assert.deepEqual(links.map((l) => l[0]), ['#f-birth_date'], JSON.stringify(links));
  assert.match(await page.textContent('#e-birth_date'), /Ngày sinh/);
  await inspect(page);
  await page.fill('#f-birth_date', '15/08/1998');
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/\/candidates\/[0-9a-f-]+$/);
  assert.equal(await page.textContent('h1'), 'Hoàng Văn Tú');
  await inspect(page);
  const steps = await page.$$eval('#f-type option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(!steps.includes('decision'), 'the admission decision is the committee\'s');
  await page.selectOption('#f-type', 'application');
  await page.click('form.form button[type=submit]');
  await page.waitForLoadState();
  assert.deepEqual(await page.$$eval('.error-links a', (els) => els.map((a) => a.textContent)), [], `steps offered: ${steps}`);
  assert.match(page.url(), /\/candidates\/[0-9a-f-]+#st-/);
  assert.equal(await page.$$eval('ol.timeline li', (els) => els.length), 1);
  await page.context().close();
});

test('a branch secretary records a transfer on its own short form, prints its letter, and cannot restructure the branch', async () => {
  const page = await phone();
  await login(page, 'bithu', 'dangbo-bithu');
  await page.goto(`${base}/orgs/DH-TT-01`);
  await inspect(page);
  assert.equal(await page.$('a[href$="/change"]'), null, 'no rename, move, merge or dissolve for a branch secretary');
  const refused = await page.goto(`${base}/orgs/DH-TT-01/change`);
  assert.equal(refused.status(), 403);
  await page.goto(`${base}/orgs/DH-TT-01`);
  await page.click('table.list tbody tr:nth-child(3) td:first-child a');
  await page.waitForURL(/\/members\/[0-9a-f-]+$/);
  const name = await page.textContent('h1');
  await inspect(page);
  await page.click('text=Cấp giấy giới thiệu sinh hoạt đảng');
  await page.waitForURL(/\/events\/transfer_issued$/);
  await inspect(page);
  await shot(page, 'transfer-phone');
  // Only the fields of a transfer, and the branches to choose from by name.
  const fields = await page.$$eval('form.form .field label', (els) => els.length);
  assert.ok(fields <= 7, `${fields} fields`);
  await page.selectOption('#f-org', { label: 'Chi bộ Khu phố 2' });
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/\/members\/[0-9a-f-]+(#.*)?$/);
  assert.equal(await page.textContent('h1'), name);
  const letter = await page.getAttribute('ol.timeline a[href$="/transfer.pdf"]', 'href');
  const pdf = await page.request.get(`${base}${letter}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await page.context().close();
});

test('a committee officer finds a branch\'s candidates by its name and decides an admission only after a page shows what it fixes', async () => {
  const page = await phone();
  await login(page, 'quangninh', 'dangbo-quangninh');
  await page.goto(`${base}/candidates`);
  await inspect(page);
  // The filter offers the organisations by name, each under its committee.
  const options = await page.$$eval('#org option', (os) => os.map((o) => [o.value, o.textContent]));
  const [value, label] = options.find(([, text]) => text.trim() === 'Chi bộ Khu phố 1');
  assert.ok(label.startsWith('\u00a0'), 'a branch is indented under its committee');
  await page.selectOption('#org', value);
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/org=DH-TT-01/);
  const branches = await page.$$eval('table.list tbody td:nth-child(2)', (els) => [...new Set(els.map((e) => e.textContent))]);
  assert.deepEqual(branches, ['Chi bộ Khu phố 1']);
  // A file waiting for the decision (the demo has them across the district).
  await page.goto(`${base}/candidates?stage=committee_proposed`);
  let link = await page.$('table.list tbody a');
  if (!link) {
    await page.goto(`${base}/candidates?stage=branch_proposed`);
    link = await page.$('table.list tbody a');
  }
  assert.ok(link, 'a candidate waiting for a decision');
  await link.click();
  await page.waitForURL(/\/candidates\/[0-9a-f-]+$/);
  const name = await page.textContent('h1');
  const offered = await page.$$eval('#f-type option', (os) => os.map((o) => o.value));
  const kind = offered.includes('decision') ? 'decision' : 'committee_resolution';
  await page.selectOption('#f-type', kind);
  await page.fill('#f-doc_no', '45-QĐ/ĐU');
  await page.click('form.form button[type=submit]');
  await page.waitForLoadState();
  if (kind === 'decision') {
    await inspect(page);
    assert.match(await page.textContent('h1'), /^Xác nhận trước khi ghi/);
    assert.match(await page.textContent('p.banner'), /không sửa hay xóa được/);
    const facts = await page.$$eval('dl.facts dd', (els) => els.map((e) => e.textContent));
    assert.ok(facts.includes('45-QĐ/ĐU'), facts.join(', '));
    await page.click('form.form button[type=submit]');
    await page.waitForLoadState();
    assert.deepEqual(await page.$$eval('.error-links a', (els) => els.map((a) => a.textContent)), []);
    assert.match(page.url(), /\/candidates\/[0-9a-f-]+#st-/, await page.textContent('main'));
    assert.equal(await page.textContent('h1'), name);
    assert.equal(await page.textContent('p.status'), 'Đã có quyết định kết nạp');
  } else {
    assert.match(page.url(), /#st-/);
  }
  await page.context().close();
});

test('on a desktop with JavaScript on, the home page and the help read well', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await login(page, 'quangninh', 'dangbo-quangninh');
  await page.goto(`${base}/`);
  await inspect(page);
  await shot(page, 'home-desktop');
  await page.goto(`${base}/help`);
  await inspect(page);
  assert.ok((await page.$$('section')).length >= 3);
  await context.close();
});
