use super::*;

const HEAD_2025: &str = "\nSPDR S&P 500 ETF Trust,Last: 599.48,Change:  0.54\n\"Date: June 9, 2025 at 4:52 PM EDT\",Bid: 599.45,Ask: 599.48,Size: 1*6,\"Volume: 51,676,756\"\nExpiration Date,Calls,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest,Strike,Puts,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest\n";
const ROW_2025: &str = "Mon Jun 09 2025,SPY250609C00400000,199.16,-0.175,198.68,200.68,4,0,1,0,1,400.00,SPY250609P00400000,0.01,0.005,0,0.01,1,0,0,0,217\n";

#[test]
fn header_of_the_2025_layout() {
    let chain = parse(&format!("{HEAD_2025}{ROW_2025}")).unwrap();
    assert_eq!(chain.layout, Layout::Current2025);
    let u = &chain.underlying;
    assert_eq!(u.description, "SPDR S&P 500 ETF Trust");
    assert_eq!(u.symbol, None);
    assert_eq!(u.last.to_string(), "599.48");
    assert_eq!(u.change.map(|c| c.to_string()).as_deref(), Some("0.54"));
    assert_eq!(u.bid.map(|c| c.to_string()).as_deref(), Some("599.45"));
    assert_eq!(u.ask.map(|c| c.to_string()).as_deref(), Some("599.48"));
    assert_eq!(u.size, Some((1, 6)));
    assert_eq!(u.volume, Some(51_676_756));
    assert_eq!(chain.quote_time.new_york.to_string(), "2025-06-09T16:52:00");
    assert_eq!(chain.rows.len(), 1);
    assert_eq!(chain.rows[0].line, 5);
}

#[test]
fn crlf_bom_and_blank_lines() {
    let text = format!("\u{feff}{HEAD_2025}\n{ROW_2025}\n\n").replace('\n', "\r\n");
    let chain = parse(&text).unwrap();
    assert_eq!(chain.rows.len(), 1);
    assert_eq!(chain.rows[0].line, 6);
    assert!(chain.row_errors.is_empty());
}

#[test]
fn bad_rows_are_collected_and_good_rows_kept() {
    let bad = ROW_2025.replace("198.68", "19x");
    let text = format!("{HEAD_2025}{bad}{ROW_2025}garbage\n");
    let chain = parse(&text).unwrap();
    assert_eq!(chain.rows.len(), 1);
    assert_eq!(chain.rows[0].line, 6);
    assert_eq!(chain.row_errors.len(), 2);
    let message = chain.row_errors[0].to_string();
    assert!(
        message.starts_with("line 5, column 5 (call bid): "),
        "{message}"
    );
    assert!(message.ends_with("found \"19x\""), "{message}");
    assert!(matches!(
        chain.row_errors[0],
        SourcesError::Field {
            line: 5,
            column: 5,
            field: "call bid",
            ..
        }
    ));
    assert!(matches!(
        chain.row_errors[1],
        SourcesError::FieldCount {
            line: 7,
            found: 1,
            ..
        }
    ));
}

#[test]
fn header_errors_name_the_line() {
    assert!(matches!(
        parse("\n\n"),
        Err(SourcesError::MissingHeader {
            expected: "underlying line",
            ..
        })
    ));
    assert!(matches!(
        parse("\nSPDR,Last: 1\n"),
        Err(SourcesError::MissingHeader {
            expected: "quote-time line",
            ..
        })
    ));
    let e = parse("\nhello world\n").unwrap_err();
    assert!(
        matches!(
            e,
            SourcesError::Header {
                line: 2,
                what: "underlying line",
                ..
            }
        ),
        "{e}"
    );
    let e = parse("\nSPDR,Last: 1\nJune 9 2025,Bid: 1\n").unwrap_err();
    assert!(
        matches!(
            e,
            SourcesError::Header {
                line: 3,
                what: "quote-time line",
                ..
            }
        ),
        "{e}"
    );
    let head = HEAD_2025.replace("Open Interest,Strike", "OI,Strike");
    let e = parse(&head).unwrap_err();
    assert_eq!(
        e,
        SourcesError::ColumnHeader {
            line: 4,
            column: 11,
            expected: "Open Interest".to_owned(),
            found: "OI".to_owned()
        }
    );
    assert!(
        e.to_string()
            .starts_with("line 4: unexpected column header: column 11")
    );
    // The 2020 column names do not fit the 2025 header lines.
    let head = HEAD_2025.replace("Volume,IV", "Vol,IV");
    assert!(matches!(
        parse(&head),
        Err(SourcesError::ColumnHeader { column: 7, .. })
    ));
    let head = HEAD_2025.replace("Open Interest\n", "Open Interest,Extra\n");
    assert!(matches!(
        parse(&head),
        Err(SourcesError::ColumnHeader { column: 23, .. })
    ));
}

#[test]
fn header_only_gives_an_empty_chain() {
    let chain = parse(HEAD_2025).unwrap();
    assert!(chain.rows.is_empty() && chain.row_errors.is_empty());
    assert!(chain.expiries().is_empty());
}
