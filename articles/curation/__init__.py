"""The editors' side of the archive: the admin pages, changes to the gazetteer
(``gazetteer_edits``) and merging duplicates (``merging``).

Nothing is imported here, so the public pages can use ``merging`` without loading the admin.
"""
