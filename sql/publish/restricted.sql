-- The restricted snapshot (attached as `pub`), for the roles that may see them: the citizens'
-- appeals with the applicant's personal data, and the ДСП documents with their texts — read from
-- the private file (the main file and the public snapshot hold them masked), cleaned as the staging
-- views clean them.
create table pub.appeals as
select
    a.* exclude (applicant_initials) replace (clean(r.summary) as summary),
    clean(r.applicant) as applicant,
    clean(r.applicant_iin) as applicant_iin,
    clean(r.applicant_phone) as applicant_phone,
    clean(r.applicant_address) as applicant_address,
    r.extra
from main.appeals as a
inner join private.raw_appeals as r
    on r.load_id = a.load_id and r.row_no is not distinct from a.row_no and r.sheet is not distinct from a.sheet;
create table pub.documents as
select d.* replace (x.summary as summary, x.resolution as resolution)
from main.documents as d
inner join main.document_texts as x using (document_id);
