//! Integration tests of `gammaflow-model` (one test binary; each area is a module under `model/`).

mod model {
    mod calendar_lists;
    mod clock_change_weeks;
    mod price_props;
    mod symbol_cboe;
    mod symbol_props;
}
