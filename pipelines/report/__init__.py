"""The monthly discipline report (PDF, XLSX) and the slides for the apparatus meeting (PPTX)."""
