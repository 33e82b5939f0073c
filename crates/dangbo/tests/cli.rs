//! The binary as a user runs it: demo, import from real-looking files, export, backup.

use std::path::Path;
use std::process::{Command, Output};

fn dangbo(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dangbo"));
    cmd.args(args).env("DANGBO_DATABASE_URL", db).env_remove("RUST_BACKTRACE");
    if let Some(input) = stdin {
        use std::io::Write;
        cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        return child.wait_with_output().unwrap();
    }
    cmd.output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A Windows-1258 CSV as Excel on a Vietnamese Windows saves it: base letters with combining
/// tone marks. Row 3 has a birth date in the future.
fn cp1258_csv(dir: &Path) -> std::path::PathBuf {
    let mut bytes: Vec<u8> = Vec::new();
    bytes.extend_from_slice(b"STT;Ho\xf2 va\xcc t\xean;Gi\xf5\xeci ti\xecnh;Nga\xccy sinh;D\xe2n t\xf4\xf2c;S\xf4\xec CCCD;Nga\xccy va\xcco \xd0a\xd2ng\r\n");
    bytes.extend_from_slice(b"1;\xd0\xe3\xf2ng Thi\xf2 A\xecnh;N\xfd\xde;12/03/1992;Dao;022192000111;19/05/2015\r\n");
    bytes.extend_from_slice(b"2;L\xea V\xe3n Ba\xecch;Nam;01/01/2035;Kinh;022192000112;03/02/2016\r\n");
    let p = dir.join("danh-sach.csv");
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn import_dry_run_then_import_then_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.sqlite3", dir.path().display());
    let out = dangbo(&db, &["demo", "load"], None);
    assert!(out.status.success(), "{}", text(&out));
    let csv = cp1258_csv(dir.path());
    let csv = csv.to_str().unwrap();

    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01", "--dry-run"], None);
    assert!(!out.status.success());
    let report = text(&out);
    assert!(report.contains("Dòng 3, cột «Ngày sinh»: Ngày sinh: không được sau ngày hôm nay."), "{report}");

    // Fix the file: every row must be right before anything is imported.
    let mut bytes = std::fs::read(csv).unwrap();
    let pos = bytes.windows(10).position(|w| w == b"01/01/2035").unwrap();
    bytes[pos..pos + 10].copy_from_slice(b"01/01/1985");
    std::fs::write(csv, &bytes).unwrap();

    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01", "--dry-run"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("sẽ thêm 2 đảng viên"), "{}", text(&out));
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("thêm 2 đảng viên, cập nhật 0, 0 đã có"), "{}", text(&out));
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01"], None);
    assert!(text(&out).contains("thêm 0 đảng viên, cập nhật 0, 2 đã có"), "{}", text(&out));

    // A list that brings a phone number for a member found by CCCD: the change is listed by
    // the dry run, then made.
    let update = dir.path().join("dien-thoai.csv");
    std::fs::write(&update, "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Ngày vào Đảng,Điện thoại\nĐặng Thị Ánh,Nữ,12/03/1992,022192000111,19/05/2015,0912345678\n")
        .unwrap();
    let update = update.to_str().unwrap();
    let out = dangbo(&db, &["import", "members", update, "--org", "DH-TT-01", "--dry-run"], None);
    assert!(text(&out).contains("Dòng 2 — Đặng Thị Ánh: Điện thoại: — → 0912345678"), "{}", text(&out));
    let out = dangbo(&db, &["import", "members", update, "--org", "DH-TT-01"], None);
    assert!(text(&out).contains("thêm 0 đảng viên, cập nhật 1, 0 đã có"), "{}", text(&out));

    // The commune's data workbook reads back as what the register holds.
    let data = dir.path().join("du-lieu.xlsx");
    let out = dangbo(&db, &["export", "data", "--org", "QN-XDH", "--out", data.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    let out = dangbo(&db, &["import", "members", data.to_str().unwrap(), "--dry-run"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("sẽ thêm 0 đảng viên, cập nhật 0,"), "{}", text(&out));

    let register = dir.path().join("tt01.csv");
    let out = dangbo(&db, &["export", "register", "--org", "DH-TT-01", "--out", register.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out));
    let exported = std::fs::read_to_string(&register).unwrap();
    assert!(exported.contains("Đặng Thị Ánh,Nữ,12/03/1992,Dao"), "NFC, with the ethnic group's name");
    assert!(exported.contains("Lê Văn Bách,Nam,01/01/1985,Kinh"));
}

#[test]
fn a_file_that_is_not_a_spreadsheet_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.sqlite3", dir.path().display());
    let bad = dir.path().join("anh.xlsx");
    std::fs::write(&bad, b"\x89PNG not a workbook").unwrap();
    let out = dangbo(&db, &["import", "members", bad.to_str().unwrap(), "--org", "X"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("Tệp không phải bảng tính"), "{}", text(&out));
    let out = dangbo(&db, &["user", "add", "--username", "u1", "--role", "staff", "--password-stdin"], Some("long-enough\n"));
    assert!(text(&out).contains("--org is required"), "{}", text(&out));
}

#[test]
fn a_column_read_by_hand_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.sqlite3", dir.path().display());
    assert!(dangbo(&db, &["demo", "load"], None).status.success());
    let csv = dir.path().join("odd.csv");
    std::fs::write(&csv, "Họ và tên,Giới tính,Ngày sinh,Ngày đứng vào hàng ngũ\nLò Văn Pọm,Nam,02/09/1991,19/05/2021\n").unwrap();
    let csv = csv.to_str().unwrap();
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01", "--dry-run"], None);
    assert!(!out.status.success() && text(&out).contains("Thiếu cột"), "{}", text(&out));
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01", "--dry-run", "--map", "ngay dung vao hang ngu=ceremony_date"], None);
    assert!(out.status.success(), "{}", text(&out));
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01", "--dry-run"], None);
    assert!(out.status.success(), "remembered: {}", text(&out));
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01", "--map", "Giới tính=gender"], None);
    assert!(!out.status.success() && text(&out).contains("unknown field gender"), "{}", text(&out));
}

#[test]
fn a_csv_larger_than_an_upload_streams_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.sqlite3", dir.path().display());
    assert!(dangbo(&db, &["demo", "load"], None).status.success());
    // Over the upload limit (20 MB) through an ignored notes column; a blank third line, and
    // the last row's birth date in the future.
    let note = "x".repeat(8 * 1024 * 1024);
    let body = |birth: &str| {
        format!(
            "Họ và tên,Giới tính,Ngày sinh,Ngày vào Đảng,Ghi chú\nLò Văn Pọm,Nam,02/09/1991,19/05/2021,{note}\n\nLò Thị Ca,Nữ,03/09/1992,19/05/2021,{note}\nLò Văn Đa,Nam,{birth},19/05/2021,{note}\n"
        )
    };
    let csv = dir.path().join("lon.csv");
    std::fs::write(&csv, body("01/01/2035")).unwrap();
    assert!(std::fs::metadata(&csv).unwrap().len() > 20 * 1024 * 1024);
    let csv = csv.to_str().unwrap();
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("Dòng 5, cột «Ngày sinh»: Ngày sinh: không được sau ngày hôm nay."), "the file's line: {}", text(&out));
    std::fs::write(csv, body("01/01/1985")).unwrap();
    let out = dangbo(&db, &["import", "members", csv, "--org", "DH-TT-01"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("thêm 3 đảng viên, cập nhật 0, 0 đã có"), "{}", text(&out));
}

#[test]
fn accounts_and_tokens_are_managed_from_the_terminal_under_its_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/accounts.sqlite3", dir.path().display());
    let weak = dangbo(&db, &["user", "add", "--username", "xa1", "--role", "staff", "--org", "P01", "--password-stdin"], Some("12345678\n"));
    assert!(!weak.status.success());
    assert!(text(&weak).to_lowercase().contains("dễ đoán"), "{}", text(&weak));
    let out = dangbo(&db, &["user", "add", "--username", "quantri", "--role", "admin", "--password-stdin"], Some("hoa-sen-no-sang-9\n"));
    assert!(out.status.success(), "{}", text(&out));
    let token = dangbo(&db, &["token", "create", "--username", "quantri", "--days", "7"], None);
    assert!(token.status.success(), "{}", text(&token));
    let list = text(&dangbo(&db, &["token", "list"], None));
    let id = list.split('\t').next().unwrap().trim().to_string();
    assert!(list.contains("quantri") && list.contains("valid until"), "{list}");
    let out = dangbo(&db, &["--actor", "chanh-van-phong", "token", "revoke", &id], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&dangbo(&db, &["token", "list"], None)).contains("revoked"));
    let reset = text(&dangbo(&db, &["user", "password", "quantri"], None));
    assert!(reset.contains("shown once"), "{reset}");
    let out = dangbo(&db, &["user", "disable", "quantri"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&dangbo(&db, &["user", "list"], None)).contains("DISABLED"));
    // Who did it, in the audit log: the terminal's user, or the name given.
    let store_url = db.clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let actors = rt.block_on(async move {
        let store = dangbo_db::Store::connect(&store_url).await.unwrap();
        store.audit_log(&dangbo_db::Caller::system(), None, 50).await.unwrap().into_iter().map(|a| (a.actor, a.action)).collect::<Vec<_>>()
    });
    assert!(actors.iter().any(|(who, what)| who == "cli:chanh-van-phong" && what == "token.revoke"), "{actors:?}");
    assert!(actors.iter().any(|(who, what)| who.starts_with("cli:") && what == "user.disable"), "{actors:?}");
}
