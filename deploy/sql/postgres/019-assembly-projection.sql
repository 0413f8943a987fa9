-- Assemblies are listed from projection rows from this version on (ListAssemblies, the staff pages' choice of
-- assembly); an assembly stored before has no row until its next change. Marking every assembly ever created (the
-- audit log names each one) makes the start-up sweep replay it, and replaying writes its row.
INSERT INTO outbox_mark (grain_kind, grain_key)
SELECT DISTINCT 'assembly', substr(subject, length('assembly/') + 1)
FROM audit_event
WHERE action = 'assembly.created'
ON CONFLICT DO NOTHING;
