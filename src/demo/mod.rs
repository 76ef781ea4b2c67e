pub fn demo_snapshot() -> crate::snapshot::Snapshot {
    unimplemented!()
}
