use crate::*;

#[tokio::test]
async fn backup_then_restore_gives_the_same_register() {
    for db in TestDb::all().await {
        let s = db.store.clone();
        small_tree(&s).await;
        for (f, m, g) in [("Nguyễn", "Văn", "An"), ("Đặng", "Thị", "Ánh"), ("Lê", "Văn", "Ăn")] {
            add_member(&s, member_input("B1", f, m, g)).await;
        }
        let before = s.register(&admin(), "P", today()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("backup.dangbo");
        s.backup(&file).await.unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "a backup is its owner's alone");
        assert!(s.backup(&file).await.is_err(), "an existing file is never overwritten");
        // Into a database that already holds data: refused.
        assert!(Store::restore(&db.url, &file).await.is_err());
        let target = if db.name == "sqlite" { TestDb::sqlite().await } else { TestDb::postgres().await.unwrap() };
        target.store.close().await;
        let restored = Store::restore(&target.url, &file).await.unwrap();
        let after = restored.register(&admin(), "P", today()).await.unwrap();
        assert_eq!(before, after, "{}", db.name);
        assert_eq!(after.len(), 3);
        assert_eq!(restored.summary(&admin(), "P", today()).await.unwrap().total(), 3);
        restored.close().await;
        target.finish().await;
        db.finish().await;
    }
}
