"""A person's own money from their bank's exports: the rows (CSV in the layouts banks
export, OFX/QFX through ofxtools), what each row is (salary, dividends, rent, platform
payouts... or not income at all) and the figures the advisor works from (income per
month by stream, the passive share, the monthly surplus, the months covered).

    read_statements(paths)  -> rows, duplicates across overlapping exports counted once
    classify(row)           -> the stream or kind of a row (rules in prompts/statements.yaml)
    summarize(rows)         -> Summary, per currency (never added across currencies)
"""
