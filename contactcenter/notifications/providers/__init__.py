"""Where messages leave the system. Email goes through Django's email backend
(``EMAIL_BACKEND``); texts through the ``SmsProvider`` named by ``SMS_PROVIDER``."""
