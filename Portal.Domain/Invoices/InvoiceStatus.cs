namespace Portal.Domain.Invoices;

public enum InvoiceStatus { Draft, Open, PartiallyPaid, Paid, Void }
