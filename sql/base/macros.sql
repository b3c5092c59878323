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

-- parse_ts_any: every date form of the exports, day first, to a local timestamp.
-- dd.mm.yyyy[ HH:MM[:SS]], dd.mm.yy, dd/mm/yyyy, yyyy-mm-dd[ HH:MM[:SS]], Excel serials.
create or replace macro parse_ts_any(s) as (
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

-- parse_ts: the forms most exports use, recognised by length and separators without a regular
-- expression (ten times faster on millions of rows); anything else goes to parse_ts_any.
create or replace macro parse_ts(s) as (
    case
        when s is null then null
        when length(s) = 16 and substr(s, 3, 1) = '.' and substr(s, 6, 1) = '.'
            then try_strptime(s, '%d.%m.%Y %H:%M')
        when length(s) = 10 and substr(s, 3, 1) = '.' and substr(s, 6, 1) = '.'
            then try_strptime(s, '%d.%m.%Y')
        when length(s) = 19 and substr(s, 3, 1) = '.' and substr(s, 6, 1) = '.'
            then try_strptime(s, '%d.%m.%Y %H:%M:%S')
        when length(s) = 10 and substr(s, 5, 1) = '-' and substr(s, 8, 1) = '-'
            then try_cast(s as timestamp)
        when length(s) = 19 and substr(s, 5, 1) = '-' and substr(s, 11, 1) = ' '
            then try_cast(s as timestamp)
        else parse_ts_any(s)
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

-- Codes for the free-written values of the exports (ru and kk spellings).
create or replace macro status_code(s) as (
    case
        when clean(s) is null then null
        -- «Исполнен, снят с контроля»: executed work removed from control is executed (R-11.6(1))
        when regexp_matches(lower(s), 'снят|алынды|алынған')
            and regexp_matches(lower(s), '(^|[^е])(исполнен|выполнен)|(^|\s)орындалды|(^|\s)орындалған')
            and not regexp_matches(lower(s), 'не исполнен|неисполнен|не выполнен|орындалмады|орындалмаған')
            then 'executed'
        when regexp_matches(lower(s), 'снят|алынды|алынған') then 'removed'
        when regexp_matches(lower(s), 'на исполнении|в работе|орындалуда|орындауда|жұмыста')
            then 'in_progress'
        when regexp_matches(lower(s), 'не исполнен|неисполнен|орындалмады|орындалмаған')
            then 'not_executed'
        when regexp_matches(lower(s), 'просроч|мерзімі өткен|мерзімі өтті') then 'overdue'
        when regexp_matches(lower(s), 'исполнен|выполнен|орындалды|орындалған') then 'executed'
        else 'other'
    end
);

-- The meeting type of a protocol or materials register. Only a session OF the akimat is a session:
-- «комиссия при акимате» is a commission, «Аппаратное совещание акимата» an apparatus meeting.
-- «кеңес» alone is a meeting (other); a council is «… кеңесі» / «совет» (R-5.54).
create or replace macro meeting_type_code(s) as (
    case
        when clean(s) is null then null
        when regexp_matches(lower(s), 'комисс') then 'commission'
        when regexp_matches(lower(s), 'аппарат') then 'apparatus'
        when regexp_matches(lower(s), 'заседани[ея] акимата|әкімдік отырыс|әкімдіктің отырыс')
            then 'akimat_session'
        when regexp_matches(lower(s), 'оператив|жедел') then 'operational'
        when regexp_matches(lower(s), 'област|облыс') then 'regional'
        when regexp_matches(lower(s), 'поездк|сапар') then 'working_trip'
        when regexp_matches(lower(s), 'при[её]м|қабылда') then 'reception'
        when regexp_matches(lower(s), '(^|[^а-яё])совет([^н]|$)|кеңесі|кеңесінің|кеңестің') then 'commission'
        else 'other'
    end
);

create or replace macro doc_kind_code(s) as (
    case
        when clean(s) is null then null
        when regexp_matches(lower(s), 'вход|кіріс') then 'incoming'
        when regexp_matches(lower(s), 'исход|шығыс') then 'outgoing'
        when regexp_matches(lower(s), 'внутр|ішкі') then 'internal'
        when regexp_matches(lower(s), 'обращ|өтініш') then 'appeal'
        when regexp_matches(lower(s), 'поруч|тапсырма') then 'task'
        when regexp_matches(lower(s), 'орд|әрқ|приказ|распоряж|бұйрық|өкім') then 'order'
        else 'other'
    end
);

-- an acting signer: "и.о.", "м.а.", "временно исполняющий", "міндетін атқарушы"
create or replace macro is_acting(s) as (
    coalesce(regexp_matches(lower(s),
        '(^|[\s(])(и\.\s?о\.?|ио|врио|м\.\s?а\.?|ма)([\s).]|$)|исполняющ|міндетін атқарушы|міндетін уақытша'),
    false)
);

create or replace macro is_urgent(s) as (
    coalesce(regexp_matches(lower(s), 'срочн|шұғыл|urgent|^да$|^иә$|^\+$|^1$'), false)
);

create or replace macro is_restricted(s) as (
    coalesce(regexp_matches(lower(s), 'дсп|қбп|для служебного|қызмет бабында|қызметтік пайдалану'),
             false)
);

-- term_date: the date of a protocol term written in words around a date, as the registers
-- write it: «до 15.12.2025», «15.12.2025 ж. дейін», «15.12.2025г.», «срок – 15.12.2025»; and
-- «до конца года / месяца / квартала» (жыл / ай / тоқсан соңына дейін) counted from the
-- meeting date. Null when the text holds no date it can read.
create or replace macro term_date(s, meeting) as (
    case
        when clean(s) is null then null
        when parse_date(s) is not null then parse_date(s)
        when regexp_matches(s, '\d{1,2}[./]\d{1,2}[./]\d{2,4}')
            then parse_date(regexp_extract(s, '\d{1,2}[./]\d{1,2}[./](\d{4}|\d{2})'))
        when regexp_matches(lower(s), 'конц[аеу] года|жыл(дың)? соңына|жыл аяғына')
            then cast(date_trunc('year', meeting) + interval 1 year - interval 1 day as date)
        when regexp_matches(lower(s), 'конц[аеу] квартала|тоқсан(ның)? соңына|тоқсан аяғына')
            then cast(date_trunc('quarter', meeting) + interval 3 month - interval 1 day as date)
        when regexp_matches(lower(s), 'конц[аеу] месяца|ай(дың)? соңына|ай аяғына')
            then last_day(meeting)
    end
);

-- periodic terms of protocol tasks; a term with a readable date is 'once'
create or replace macro periodicity(s) as (
    case
        when clean(s) is null then null
        when parse_date(s) is not null then 'once'
        when regexp_matches(lower(s), 'ежемесяч|ай сайын|каждый месяц|әр ай') then 'monthly'
        when regexp_matches(lower(s), 'ежекварт|тоқсан сайын|каждый квартал|әр тоқсан') then 'quarterly'
        when regexp_matches(lower(s), 'полугод|жарты жыл') then 'half_year'
        when regexp_matches(lower(s), 'ежегод|жыл сайын|каждый год') then 'yearly'
        when regexp_matches(lower(s), 'еженедел|апта сайын|каждую неделю|әр апта') then 'weekly'
        when regexp_matches(lower(s), 'постоянн|тұрақты|үнемі') then 'permanent'
        when term_date(s, date '2000-01-01') is not null then 'once'
        else 'unknown'
    end
);

-- "ежемесячно до 5 числа" / "ай сайын 5-не дейін" -> 5
create or replace macro period_day(s) as (
    try_cast(nullif(regexp_extract(lower(s), '(\d{1,2})\s*(-?\s*(числа|го|не|на|күн|-не|-на))', 1), '')
             as integer)
);

-- An extension cell: «до 20.03.2025 (письмо №45 от 18.03.2025)», «25.04.2025 дейін (18.04.2025 ж. хат)».
-- A date after «от» or before «ж.» / «жылғы» / «күнгі» dates the decision; the others are terms.
create or replace macro extension_decision_re() as
    '(?:от|from)\s*\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}\.\d{1,2}\.\d{2,4}\s*(?:ж\.|жылғы|күнгі)';
create or replace macro extension_terms(s) as (
    regexp_extract_all(regexp_replace(s, extension_decision_re(), ' ', 'g'), '\d{1,2}\.\d{1,2}\.\d{2,4}')
);

-- masking: what leaves the private file in place of a ДСП document's text and a citizen's name
create or replace macro mask_text(restricted, s) as (case when restricted then '*** ДСП ***' else s end);
create or replace macro mask_person(s) as (
    -- "Ахметов Нұрлан" -> "А. Н."
    case when s is null then null
         else array_to_string(list_transform(string_split(trim(s), ' '), lambda w: left(w, 1) || '.'), ' ') end
);
