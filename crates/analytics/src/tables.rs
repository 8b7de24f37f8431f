//! The lake's tables, the two SQL functions gammaflow adds, and the views with decimal prices.
//!
//! # Tables
//!
//! Every directory `root/raw/<table>` becomes a table `<table>` (`flow`, `chain`, ...): a listing
//! table over `**/*.parquet` (unfinished `*.tmp` files are never read) with the hive partition
//! columns `year`, `month` and `day` appended. They are **strings**
//! exactly as the directory names spell them (`'2025'`, `'06'`, `'09'`): an equality filter on all
//! three (`year = '2025' AND month = '06' AND day = '09'`) makes DataFusion list only that day's
//! directory. (Integer partition columns would make DataFusion look for `month=6`, which does not
//! exist.) The schemas of the store's two tables come from its Parquet message types
//! ([`gammaflow_store::FLOW_SCHEMA`], [`gammaflow_store::CHAIN_SCHEMA`]), so `flow` and `chain`
//! always exist: empty in a lake without their files, and a directory created after
//! [`crate::Analytics::open`] is only seen after reopening (the server creates both directories
//! first). Other tables' schemas are read from their files, and such a table directory without
//! any file is skipped.
//!
//! The files are re-listed at every query, so rows flushed after [`crate::Analytics::open`] are
//! seen. A compaction interrupted between writing its output and removing its inputs leaves
//! files whose rows are also in the merged file (the store's visibility rule, which
//! [`gammaflow_store::day_files`] applies); like DuckDB's glob, SQL sees both until the next
//! compaction of that day removes the leftovers.
//!
//! # Functions
//!
//! * `option_root(option_symbol)`: the option root of a Polygon-form symbol
//!   (`O:SPXW250609C06000000` → `SPXW`); null for text of another form.
//! * `root_multiplier(root)`: the contract multiplier of a root: 50 for the roots of options on
//!   E-mini S&P 500 futures (`ES`, `EW`, `EW1`–`EW5`, `E1A`–`E5D`:
//!   [`gammaflow_model::OptionRoot::is_futures_option`]), 100 for every other root (SPX, SPXW,
//!   SPY and equity options); null for text that is not a root.
//!
//! # `flow_v`
//!
//! `flow` with readable prices, one row per print:
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `ts_event`, `ts_recv` | TIMESTAMP(ns, UTC) | as in `flow` |
//! | `year`, `month`, `day` | VARCHAR | the New York trade day (partition columns) |
//! | `option_symbol`, `underlying`, `expiry` | | as in `flow` |
//! | `root` | VARCHAR | `option_root(option_symbol)` |
//! | `option_right` | VARCHAR | `C` or `P` |
//! | `strike` | DOUBLE | `strike_raw / 1e9` (the nearest double to the exact strike) |
//! | `price` | DOUBLE | `price_raw / 1e9` |
//! | `size` | BIGINT | contracts |
//! | `multiplier` | BIGINT | `root_multiplier(root)` |
//! | `premium` | DECIMAL(38, 9) | `price_raw × size × multiplier / 1e9`, US$, **exact** (sums stay exact) |
//! | `underlying_price`, `exchange`, `conditions`, `aggressor`, `iv`, `delta`, `gamma`, `net_delta_impact`, `sweep`, `excluded`, `seq` | | as in `flow` |
//!
//! Prices and strikes are doubles because they are read and plotted, never summed; the premium is a
//! decimal because it is summed (a day of SPX premium in 1e-9 US$ overflows a BIGINT, and double
//! sums would depend on the order). Cast a premium sum to DOUBLE for display.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::ListingOptions;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::parquet::arrow::parquet_to_arrow_schema;
use datafusion::parquet::schema::parser::parse_message_type;
use datafusion::parquet::schema::types::SchemaDescriptor;
use datafusion::prelude::SessionContext;
use gammaflow_model::OptionRoot;

use crate::error::{AnalyticsError, Result};

/// The flow table's name.
pub const FLOW_TABLE: &str = "flow";
/// The chain snapshot table's name.
pub const CHAIN_TABLE: &str = "chain";
/// The flow view's name.
pub const FLOW_VIEW: &str = "flow_v";
/// The hive partition columns every table gets, in directory order.
pub const PARTITION_COLUMNS: [&str; 3] = ["year", "month", "day"];

/// The arrow schema of a flow file, derived from the store's Parquet message type the way
/// DataFusion reads it (strings as `Utf8View`, timestamps as `Timestamp(ns, "UTC")`), without the
/// partition columns.
pub fn flow_file_schema() -> Result<SchemaRef> {
    file_schema(FLOW_TABLE, gammaflow_store::FLOW_SCHEMA)
}

/// The arrow schema of a chain snapshot file ([`gammaflow_store::CHAIN_SCHEMA`]), read the same
/// way as [`flow_file_schema`] (premiums as `Decimal128(38, 9)`, `expiry` as `Date32`).
pub fn chain_file_schema() -> Result<SchemaRef> {
    file_schema(CHAIN_TABLE, gammaflow_store::CHAIN_SCHEMA)
}

/// The arrow schema of the store's Parquet `message` for `table`.
fn file_schema(table: &str, message: &str) -> Result<SchemaRef> {
    let table_error = |e: DataFusionError| AnalyticsError::Table {
        table: table.to_owned(),
        source: Box::new(e),
    };
    let message = parse_message_type(message).map_err(|e| table_error(e.into()))?;
    let descriptor = SchemaDescriptor::new(Arc::new(message));
    let schema = parquet_to_arrow_schema(&descriptor, None).map_err(|e| table_error(e.into()))?;
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 => {
                f.as_ref().clone().with_data_type(DataType::Utf8View)
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    Ok(Arc::new(Schema::new(fields)))
}

/// `schema` followed by the partition columns (non-null strings).
fn with_partition_columns(schema: &Schema) -> SchemaRef {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.extend(
        PARTITION_COLUMNS
            .iter()
            .map(|name| Field::new(*name, DataType::Utf8, false)),
    );
    Arc::new(Schema::new(fields))
}

/// Listing options of a lake table: Parquet files, hive partitions `year`/`month`/`day`.
fn listing_options() -> ListingOptions {
    ListingOptions::new(Arc::new(ParquetFormat::default()))
        .with_file_extension(".parquet")
        .with_table_partition_cols(
            PARTITION_COLUMNS
                .iter()
                .map(|name| ((*name).to_owned(), DataType::Utf8))
                .collect(),
        )
}

/// Whether `dir` holds a `*.parquet` file anywhere below it.
fn has_parquet_file(dir: &Path) -> Result<bool> {
    let entries = std::fs::read_dir(dir).map_err(|source| AnalyticsError::Path {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| AnalyticsError::Path {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            if has_parquet_file(&path)? {
                return Ok(true);
            }
        } else if path.extension().is_some_and(|e| e == "parquet") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The table directories under `root/raw`, sorted by name (none when `raw` does not exist).
fn table_dirs(root: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let raw = root.join("raw");
    if !raw.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&raw).map_err(|source| AnalyticsError::Path {
        path: raw.clone(),
        source,
    })?;
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| AnalyticsError::Path {
            path: raw.clone(),
            source,
        })?;
        let path = entry.path();
        if let Some(name) = path.file_name().and_then(|n| n.to_str())
            && path.is_dir()
            && is_table_name(name)
        {
            dirs.push((name.to_owned(), path));
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// A name usable as an unquoted SQL identifier: lowercase ASCII letters, digits and `_`, not
/// starting with a digit.
fn is_table_name(name: &str) -> bool {
    name.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Registers the lake's tables, the functions and the views; returns the table names.
pub(crate) async fn register_lake(ctx: &SessionContext, root: &Path) -> Result<Vec<String>> {
    ctx.register_udf(ScalarUDF::from(OptionRootUdf::new()));
    ctx.register_udf(ScalarUDF::from(RootMultiplierUdf::new()));
    let known = [
        (FLOW_TABLE, flow_file_schema()?),
        (CHAIN_TABLE, chain_file_schema()?),
    ];
    let known_schema = |name: &str| {
        known
            .iter()
            .find(|(table, _)| *table == name)
            .map(|(_, schema)| Arc::clone(schema))
    };
    let mut names = Vec::new();
    for (name, dir) in table_dirs(root)? {
        let table_error = |e: DataFusionError| AnalyticsError::Table {
            table: name.clone(),
            source: Box::new(e),
        };
        let schema = known_schema(&name);
        if schema.is_none() && !has_parquet_file(&dir)? {
            continue;
        }
        let dir = std::path::absolute(&dir).map_err(|source| AnalyticsError::Path {
            path: dir.clone(),
            source,
        })?;
        // A trailing separator marks the path as a directory for DataFusion.
        let url = format!("{}/", dir.display());
        ctx.register_listing_table(name.as_str(), url, listing_options(), schema, None)
            .await
            .map_err(table_error)?;
        names.push(name);
    }
    for (table, schema) in &known {
        if names.iter().any(|n| n == table) {
            continue;
        }
        let table_error = |e: DataFusionError| AnalyticsError::Table {
            table: (*table).to_owned(),
            source: Box::new(e),
        };
        let empty =
            MemTable::try_new(with_partition_columns(schema), vec![vec![]]).map_err(table_error)?;
        ctx.register_table(*table, Arc::new(empty))
            .map_err(table_error)?;
        names.push((*table).to_owned());
    }
    names.sort();
    // DDL runs when planned: the returned (empty) frame is not needed.
    ctx.sql(FLOW_VIEW_SQL)
        .await
        .map(drop)
        .map_err(|e| AnalyticsError::Table {
            table: FLOW_VIEW.to_owned(),
            source: Box::new(e),
        })?;
    Ok(names)
}

/// The definition of `flow_v` (see the module docs).
pub const FLOW_VIEW_SQL: &str = "CREATE VIEW flow_v AS SELECT
    ts_event, ts_recv, year, month, day,
    option_symbol, option_root(option_symbol) AS root, underlying, expiry, option_right,
    CAST(strike_raw AS DOUBLE) / 1e9 AS strike,
    CAST(price_raw AS DOUBLE) / 1e9 AS price,
    size,
    root_multiplier(option_root(option_symbol)) AS multiplier,
    CAST(price_raw AS DECIMAL(38, 0)) * CAST(size AS DECIMAL(20, 0))
        * CAST(root_multiplier(option_root(option_symbol)) AS DECIMAL(10, 0))
        * CAST('0.000000001' AS DECIMAL(10, 9)) AS premium,
    underlying_price, exchange, conditions, aggressor, iv, delta, gamma, net_delta_impact,
    sweep, excluded, seq
FROM flow";

/// The root of a Polygon-form option symbol: `O:` + root + 15 characters (`YYMMDD`, right,
/// 8 strike digits).
pub fn option_root(symbol: &str) -> Option<&str> {
    let rest = symbol.strip_prefix("O:")?;
    let end = rest.len().checked_sub(15)?;
    let root = rest.get(..end)?;
    OptionRoot::new(root).ok().map(|_| root)
}

/// The contract multiplier of options with `root` (see the module docs); `None` for text that is
/// not a root.
pub fn root_multiplier(root: &str) -> Option<i64> {
    let root = OptionRoot::new(root).ok()?;
    Some(if root.is_futures_option() { 50 } else { 100 })
}

/// The single string argument of a function as a `StringArray` of `rows` rows.
fn string_argument(args: ScalarFunctionArgs, name: &str) -> Result<StringArray, DataFusionError> {
    let [arg] = <[ColumnarValue; 1]>::try_from(args.args).map_err(|given| {
        DataFusionError::Plan(format!("{name} takes 1 argument, got {}", given.len()))
    })?;
    let array: ArrayRef = arg.into_array(args.number_rows)?;
    let utf8 = cast(&array, &DataType::Utf8)?;
    utf8.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| DataFusionError::Internal(format!("{name}: argument is not a string")))
}

/// `option_root(VARCHAR) -> VARCHAR`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct OptionRootUdf {
    signature: Signature,
}

impl OptionRootUdf {
    fn new() -> Self {
        Self {
            signature: Signature::string(1, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for OptionRootUdf {
    fn name(&self) -> &str {
        "option_root"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType, DataFusionError> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue, DataFusionError> {
        let symbols = string_argument(args, self.name())?;
        let roots: StringArray = symbols.iter().map(|s| s.and_then(option_root)).collect();
        Ok(ColumnarValue::Array(Arc::new(roots)))
    }
}

/// `root_multiplier(VARCHAR) -> BIGINT`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct RootMultiplierUdf {
    signature: Signature,
}

impl RootMultiplierUdf {
    fn new() -> Self {
        Self {
            signature: Signature::string(1, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for RootMultiplierUdf {
    fn name(&self) -> &str {
        "root_multiplier"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType, DataFusionError> {
        Ok(DataType::Int64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue, DataFusionError> {
        let roots = string_argument(args, self.name())?;
        let multipliers: Int64Array = roots.iter().map(|r| r.and_then(root_multiplier)).collect();
        Ok(ColumnarValue::Array(Arc::new(multipliers)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn roots_come_from_polygon_symbols() {
        assert_eq!(option_root("O:SPXW250609C06000000"), Some("SPXW"));
        assert_eq!(option_root("O:SPY250609P00600000"), Some("SPY"));
        assert_eq!(option_root("O:E1A250609C06000000"), Some("E1A"));
        assert_eq!(option_root("SPXW250609C06000000"), None);
        assert_eq!(option_root("O:250609C06000000"), None);
        assert_eq!(option_root("O:short"), None);
    }

    #[test]
    fn multipliers_follow_the_root() {
        for root in ["SPX", "SPXW", "SPY", "NDXP"] {
            assert_eq!(root_multiplier(root), Some(100), "{root}");
        }
        for root in ["ES", "EW", "EW3", "E2C"] {
            assert_eq!(root_multiplier(root), Some(50), "{root}");
        }
        assert_eq!(root_multiplier("spx"), None);
    }

    #[test]
    fn the_flow_schema_matches_the_store_columns() {
        let schema = flow_file_schema().unwrap();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names.len(), 20);
        assert_eq!(names[0], "ts_event");
        assert_eq!(names[19], "seq");
        let ts = schema.field_with_name("ts_event").unwrap();
        assert!(matches!(ts.data_type(), DataType::Timestamp(_, Some(tz)) if tz.as_ref() == "UTC"));
        let symbol = schema.field_with_name("option_symbol").unwrap();
        assert_eq!(symbol.data_type(), &DataType::Utf8View);
        let full = with_partition_columns(&schema);
        assert_eq!(full.fields().len(), 23);
    }

    #[test]
    fn the_chain_schema_matches_the_store_columns() {
        let schema = chain_file_schema().unwrap();
        assert_eq!(schema.fields().len(), 30);
        let premium = schema.field_with_name("premium").unwrap();
        assert_eq!(premium.data_type(), &DataType::Decimal128(38, 9));
        let expiry = schema.field_with_name("expiry").unwrap();
        assert_eq!(expiry.data_type(), &DataType::Date32);
        let ts = schema.field_with_name("ts").unwrap();
        assert!(matches!(ts.data_type(), DataType::Timestamp(_, Some(tz)) if tz.as_ref() == "UTC"));
    }

    #[test]
    fn table_names_are_plain_identifiers() {
        assert!(is_table_name("flow"));
        assert!(is_table_name("chain_1m"));
        assert!(!is_table_name("Flow"));
        assert!(!is_table_name("1flow"));
        assert!(!is_table_name("fl-ow"));
        assert!(!is_table_name(""));
    }
}
