"""Card payments: the gateway protocol Billing Center uses, the sandbox processor, and the factory."""

from billing_center.payments.gateway import (
    CardCheck,
    CardDeclined,
    Charge,
    HttpGateway,
    IdempotencyMismatch,
    PaymentError,
    PaymentGateway,
    ProcessorUnavailable,
    get_gateway,
    use_gateway,
)

__all__ = ["CardCheck", "CardDeclined", "Charge", "HttpGateway", "IdempotencyMismatch", "PaymentError",
           "PaymentGateway", "ProcessorUnavailable", "get_gateway", "use_gateway"]
