//! The partner's own code would be here; the test is what matters.
