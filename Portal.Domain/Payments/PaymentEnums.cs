namespace Portal.Domain.Payments;

public enum PaymentMethod { Card, DirectDebit, BankTransfer, Cheque, Cash, Credit }

public enum PaymentProvider { None, Stripe, GoCardless, PayPal }

public enum PaymentStatus
{
    /// <summary>Created with its allocations; the client is on the provider's page or the request is being sent.</summary>
    Initiated,
    /// <summary>In flight (a direct debit submitted, a delayed card method): shown as pending, never as paid.</summary>
    Pending,
    Succeeded,
    /// <summary>Paid out by the provider to the firm's bank.</summary>
    Settled,
    Failed,
    Cancelled,
    /// <summary>Taken back after success: a late failure, a chargeback, a dispute lost.</summary>
    Reversed,
    PartiallyRefunded,
    Refunded,
}

public enum ReversalReason
{
    LateFailure,
    Chargeback,
    DisputeLost,
    /// <summary>A cheque or transfer staff recorded came back unpaid.</summary>
    Bounced,
    /// <summary>Staff recorded a payment that never came, and voided it the day it was recorded.</summary>
    EnteredInError,
}

/// <summary>What a provider (or staff) reports about a payment; the state machine decides what it does.</summary>
public enum PaymentChange { MarkPending, Succeed, Fail, Cancel, Settle, Reverse, WinDispute }
