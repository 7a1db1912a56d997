"""What our emails say, in English and Spanish (usted): the acknowledgement, the refusal of an
oversized message, the privacy caution every email carries, and a reply's framing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Texts:
    reference: str
    caution: str
    acknowledgement_subject: str
    acknowledgement: str
    too_large_subject: str
    too_large: str
    you_wrote: str
    no_text: str


TEXTS = {
    "en": Texts(
        reference="Ref",
        caution=(
            "For your privacy we do not send case details by email. To see your case, sign in "
            "to your online account or call us; never send us your full A-Number, date of birth "
            "or Social Security number by email."
        ),
        acknowledgement_subject="We received your message",
        acknowledgement=(
            "Thank you for writing to us. We received your message and will answer it by "
            "email.\n\nYour inquiry's reference number is {reference}. Please keep it in the "
            "subject when you write again about the same question.\n\nThis is an automatic "
            "message; you do not need to answer it."
        ),
        too_large_subject="Your message was not delivered: it is too large",
        too_large=(
            "Your message to us was {size_mb} MB, more than the {limit_mb} MB we can accept, "
            "so it was not passed on to an agent.\n\nPlease send it again with smaller or fewer "
            "attachments, or upload the documents through your online account.\n\nThis is an "
            "automatic message; you do not need to answer it."
        ),
        you_wrote="On {date}, you wrote:",
        no_text="(The email had no text.)",
    ),
    "es": Texts(
        reference="Ref.",
        caution=(
            "Para proteger su privacidad, no enviamos detalles de su caso por correo "
            "electrónico. Para ver su caso, inicie sesión en su cuenta en línea o llámenos; "
            "nunca nos envíe por correo electrónico su número A completo, su fecha de "
            "nacimiento ni su número de Seguro Social."
        ),
        acknowledgement_subject="Recibimos su mensaje",
        acknowledgement=(
            "Gracias por escribirnos. Recibimos su mensaje y le responderemos por correo "
            "electrónico.\n\nEl número de referencia de su consulta es {reference}. Por favor, "
            "consérvelo en el asunto cuando vuelva a escribirnos sobre la misma pregunta.\n\n"
            "Este es un mensaje automático; no necesita responderlo."
        ),
        too_large_subject="Su mensaje no fue entregado: es demasiado grande",
        too_large=(
            "Su mensaje tenía {size_mb} MB, más de los {limit_mb} MB que podemos aceptar, por "
            "lo que no se entregó a un agente.\n\nPor favor, envíelo de nuevo con archivos "
            "adjuntos más pequeños o en menor cantidad, o suba los documentos a través de su "
            "cuenta en línea.\n\nEste es un mensaje automático; no necesita responderlo."
        ),
        you_wrote="El {date}, usted escribió:",
        no_text="(El correo electrónico no tenía texto).",
    ),
}


def texts_for(language: str) -> Texts:
    return TEXTS["es" if language == "es" else "en"]
