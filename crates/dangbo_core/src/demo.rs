//! The Đầm Hà demo: a deterministic register modelled on the seed article (placeholder).
