-- The frame the documents suite checks: one row per document, with derived columns for the rules.
select
    'documents' as record_table,
    d.document_id as record_id,
    d.reg_no,
    coalesce(t.department_code, 'APP-GEN') as department_code,
    d.source_file, d.sheet, d.row_no,
    d.org_name,
    d.doc_kind,
    d.out_no is not null and d.out_date is not null as has_outgoing_ref,
    coalesce(d.out_no, '') || ' ' || coalesce(d.out_date_text, '') as outgoing_ref,
    d.executor_phone,
    -- R-9.13: higher bodies are excepted
    d.doc_kind = 'incoming' and d.is_acting_signer
        and not coalesce(regexp_matches(lower(d.correspondent),
            'министерств|правительств|үкімет|облыс|област|президент'), false) as needs_acting_order,
    d.acting_order,
    d.signed_by,
    -- R-11.6: an outgoing report on a control task to the regional akim's apparatus — not any letter
    -- to a regional body («Облыстық білім басқармасы», «Управление … области»)
    d.doc_kind = 'outgoing'
        and coalesce(regexp_matches(lower(d.correspondent),
            'аппарат\S* аким\S* [^,;]*област|облыс\S* әкімі\S* аппарат|облыс әкімдігі|акимат\S* [^,;]*област'), false)
        and coalesce(regexp_matches(lower(coalesce(if(d.is_restricted, x.summary, d.summary), '') || ' ' || coalesce(if(d.is_restricted, x.resolution, d.resolution), '')),
            'поручени|тапсырма|исполнени|орындал|контрол|бақылау'), false) as is_report_to_region,
    coalesce(regexp_matches(lower(coalesce(if(d.is_restricted, x.summary, d.summary), '') || ' ' || coalesce(if(d.is_restricted, x.resolution, d.resolution), '')),
        'снят[^ ]* с контрол|бақылаудан алу|информационн[^ ]* режим|ақпараттық режим|'
        || 'среднесрочн|долгосрочн|орта мерзімді|ұзақ мерзімді|продлен|продлит|ұзарту'), false)
        as has_region_request,
    -- R-9.20: an outgoing letter that answers («ответ на», «жауап», «на ваш №») cites the incoming one
    d.doc_kind = 'outgoing'
        and coalesce(regexp_matches(lower(coalesce(if(d.is_restricted, x.summary, d.summary), '') || ' ' || coalesce(if(d.is_restricted, x.resolution, d.resolution), '')),
            '(^|\s)ответ|на ваш|на запрос|жауап|сұрау салуға'), false) as is_answer,
    d.request_ref is not null as has_request_ref,
    coalesce(d.request_ref, '—') as request_ref,
    d.received_at is null or d.registered_at is null or d.registered_at >= d.received_at
        as dates_in_order,
    strftime(d.received_at, '%d.%m.%Y %H:%M') || ' → ' || strftime(d.registered_at, '%d.%m.%Y %H:%M')
        as dates_text
from documents as d
left join task_assignments as t on t.task_id = d.document_id and t.executor_seq = 1
-- a ДСП document's texts, masked in `documents`, from the private file
left join document_texts as x on x.document_id = d.document_id
