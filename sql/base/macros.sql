-- Text cleaning and date parsing shared by every staging view.
-- clean: trims, and turns the "no value" spellings of the exports into null.
create or replace macro clean(s) as (
    case
        when s is null then null
        when lower(trim(s)) in ('', '-', '—', '–', 'нет', 'жоқ', 'null', 'none', 'n/a', '#н/д')
            then null
        else trim(s)
    end
);

-- parse_ts: every date form of the exports, day first, to a local timestamp.
-- dd.mm.yyyy[ HH:MM[:SS]], dd.mm.yy, dd/mm/yyyy, yyyy-mm-dd[ HH:MM[:SS]], Excel serials.
create or replace macro parse_ts(s) as (
    case
        when clean(s) is null then null
        when regexp_full_match(trim(s), '\d{1,2}[./]\d{1,2}[./]\d{2}( \d{1,2}:\d{2}(:\d{2})?)?')
            then try_strptime(replace(trim(s), '/', '.'),
                              ['%d.%m.%y %H:%M:%S', '%d.%m.%y %H:%M', '%d.%m.%y'])
        when regexp_full_match(trim(s), '\d{1,2}[./]\d{1,2}[./]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?')
            then try_strptime(replace(trim(s), '/', '.'),
                              ['%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y'])
        when regexp_full_match(trim(s), '\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?')
            then try_cast(replace(trim(s), 'T', ' ') as timestamp)
        when regexp_full_match(trim(s), '\d{5}(\.\d+)?')
            and try_cast(trim(s) as double) between 18000 and 73000
            then timestamp '1899-12-30'
                + to_microseconds(cast(round(cast(trim(s) as double) * 86400) as bigint) * 1000000)
        else null
    end
);

create or replace macro parse_date(s) as (cast(parse_ts(s) as date));

-- has_time: true when the text carries a time of day (a date alone does not).
create or replace macro has_time(s) as (
    coalesce(regexp_matches(trim(s), '\d{1,2}:\d{2}'), false)
    or coalesce(regexp_full_match(trim(s), '\d{5}\.\d+'), false)
);

-- parse_int: "3", "3.0", "3,0" -> 3
create or replace macro parse_int(s) as (
    try_cast(round(try_cast(replace(clean(s), ',', '.') as double)) as integer)
);
create or replace macro parse_num(s) as (try_cast(replace(clean(s), ',', '.') as double));

-- parse_bool: да/иә/yes/1/+ -> true, нет/жоқ/no/0 -> false
create or replace macro parse_bool(s) as (
    case
        when lower(trim(s)) in ('да', 'иә', 'ия', 'yes', 'true', '1', '+', 'v', '✓') then true
        when lower(trim(s)) in ('нет', 'жоқ', 'no', 'false', '0', '-') then false
        else null
    end
);
