"""Paper and fax: scanned batches, pages and what OCR found on them, fax cover sheets."""
