//! Option trade condition codes (Polygon/Massive ids, OPRA letters) and what the flow desk does with
//! each. (Being built: see issue 3 §2.)
