"""Written intake by email: messages, their threads and attachments, and bounced addresses."""
