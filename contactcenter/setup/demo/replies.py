"""Demo canned replies: the handful an agent reaches for in every chat, in English and
Spanish (usted), written through the desk's own rules so the seed cannot store one that
would not fill."""

from __future__ import annotations

from collections.abc import Sequence

from contactcenter.agency.selectors import public_base_url
from contactcenter.desk.models import CannedReply
from contactcenter.desk.replies import CannedReplyText, canned_reply_create
from contactcenter.setup.demo.plan import CannedReplyPlan

CANNED_REPLIES: tuple[CannedReplyPlan, ...] = (
    CannedReplyPlan(
        sort_order=10,
        title_en="Greeting",
        title_es="Saludo",
        body_en=(
            "Hello, my name is {agent} and I will help you today. Your reference number for "
            "this conversation is {reference}. How can I help you?"
        ),
        body_es=(
            "Hola, me llamo {agent} y hoy le voy a ayudar. El número de referencia de esta "
            "conversación es {reference}. ¿En qué le puedo ayudar?"
        ),
    ),
    CannedReplyPlan(
        sort_order=20,
        title_en="Ask for the receipt number",
        title_es="Pedir el número de recibo",
        body_en=(
            "To look at your case I need your receipt number. It is 13 characters long, three "
            "letters followed by 10 digits (for example, EAC2490123456), and it is printed on "
            "the receipt notice we mailed you. Please type it here."
        ),
        body_es=(
            "Para consultar su caso necesito su número de recibo. Tiene 13 caracteres, tres "
            "letras seguidas de 10 dígitos (por ejemplo, EAC2490123456), y aparece en el aviso "
            "de recibo que le enviamos por correo. Por favor, escríbalo aquí."
        ),
    ),
    CannedReplyPlan(
        sort_order=30,
        title_en="Identity verified: thank you",
        title_es="Identidad verificada: gracias",
        body_en="Thank you, {name}. I have verified your identity and can now look at your case.",
        body_es=("Gracias, {name}. He verificado su identidad y ahora puedo consultar su caso."),
    ),
    CannedReplyPlan(
        sort_order=40,
        title_en="Processing times",
        title_es="Tiempos de procesamiento",
        body_en=(
            "Processing times depend on the form and the office handling your case. You can "
            "see the current times at /processing-times/ by choosing your form and office. If "
            "your case is outside the normal time shown there, tell me and I can open a "
            "service request."
        ),
        body_es=(
            "Los tiempos de procesamiento dependen del formulario y de la oficina que tramita "
            "su caso. Puede ver los tiempos actuales en /processing-times/ eligiendo su "
            "formulario y su oficina. Si su caso está fuera del tiempo normal que se muestra "
            "allí, dígamelo y puedo abrir una solicitud de servicio."
        ),
    ),
    CannedReplyPlan(
        sort_order=50,
        title_en="One moment, please",
        title_es="Un momento, por favor",
        body_en="Thank you for waiting. I am checking this for you and will be back in a moment.",
        body_es=("Gracias por esperar. Estoy revisando esto para usted y vuelvo en un momento."),
    ),
    CannedReplyPlan(
        sort_order=90,
        title_en="Closing, with the reference number",
        title_es="Despedida, con el número de referencia",
        body_en=(
            "Thank you for contacting us. If you need to contact us again about this, please "
            "give the reference number {reference} so we can find this conversation. Have a "
            "good day."
        ),
        body_es=(
            "Gracias por comunicarse con nosotros. Si necesita comunicarse de nuevo sobre este "
            "asunto, indique el número de referencia {reference} para que podamos encontrar "
            "esta conversación. Que tenga un buen día."
        ),
    ),
)


def canned_replies_write(*, replies: Sequence[CannedReplyPlan]) -> int:
    """Add each demo reply that is not there yet (by its English title); returns how many
    were added."""
    existing = set(CannedReply.objects.values_list("title_en", flat=True))
    # The processing-times page as the person opens it: this installation's public address.
    site = public_base_url()

    def linked(body: str) -> str:
        return body.replace(" /processing-times/", f" {site}/processing-times/")

    added = 0
    for plan in replies:
        if plan.title_en in existing:
            continue
        canned_reply_create(
            actor=None,
            text=CannedReplyText(
                title_en=plan.title_en, title_es=plan.title_es, body_en=linked(plan.body_en),
                body_es=linked(plan.body_es), sort_order=plan.sort_order,
            ),
        )  # fmt: skip
        added += 1
    return added
