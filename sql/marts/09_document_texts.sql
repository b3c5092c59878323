-- document_texts: the unmasked summary and resolution of every ДСП document (masked in `documents`),
-- read from its raw row in the private file and cleaned as stg_edms cleans them (the staging view
-- itself cost ten times as much). For the rules that read a document's text (the documents suite's
-- frame) and the restricted snapshot; the public snapshot never holds it.
create or replace view document_texts as
select d.document_id, clean(r.summary) as summary, clean(r.resolution) as resolution
from documents as d
inner join raw_edms as r
    on r.key_hash = d.key_hash and r.load_id = d.load_id
    and r.row_no is not distinct from d.row_no and r.sheet is not distinct from d.sheet
where d.is_restricted;
