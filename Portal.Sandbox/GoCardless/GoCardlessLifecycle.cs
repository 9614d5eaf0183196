using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

// State changes of mandates and payments, each with the event GoCardless would send. Used by the API, the hosted
// flow, the scenario simulators and the demo ticker.
internal static class GoCardlessLifecycle
{
    private static readonly TimeSpan DemoStepInterval = TimeSpan.FromSeconds(3);

    public static readonly string[] PaymentProgress = ["pending_submission", "submitted", "confirmed", "paid_out"];

    private static readonly HashSet<string> UnusableMandateStatuses = ["failed", "cancelled", "expired", "consumed", "blocked"];

    // The payer's details as entered on the hosted flow page.
    public sealed record PayerDetails(string? GivenName, string? FamilyName, string? Email, string? CompanyName, string AccountHolderName, string AccountNumber);

    public static bool IsUsable(GcMandate mandate) => !UnusableMandateStatuses.Contains(mandate.Status);

    // Lead time: a mandate still being set up needs more working days before its first collection.
    public static DateOnly? NextPossibleChargeDate(GcMandate mandate, DateTimeOffset now)
    {
        if (!IsUsable(mandate))
        {
            return null;
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return WorkingDays.Add(today, mandate.Status == "active" ? 2 : 4);
    }

    public static GcMandate Fulfil(GoCardlessAction action, GcBillingRequest request, PayerDetails payer, string mandateStatus)
    {
        var account = action.Account;
        var scheme = GoCardlessSchemes.Named(request.MandateRequest.Scheme)!;
        var customer = account.Find<GcCustomer>(request.Links.GetValueOrDefault("customer")) ?? account.Add(new GcCustomer
        {
            Id = SandboxIds.GoCardless("CU"),
            CreatedAt = action.Timestamp,
            GivenName = payer.GivenName,
            FamilyName = payer.FamilyName,
            Email = payer.Email,
            CompanyName = payer.CompanyName,
            CountryCode = scheme.CountryCode,
        });
        var digits = new string(payer.AccountNumber.Where(char.IsDigit).ToArray());
        var bankAccount = account.Add(new GcCustomerBankAccount
        {
            Id = SandboxIds.GoCardless("BA"),
            CreatedAt = action.Timestamp,
            AccountHolderName = payer.AccountHolderName,
            AccountNumberEnding = digits.Length >= 2 ? digits[^2..] : "11",
            BankName = scheme.BankName,
            CountryCode = scheme.CountryCode,
            Currency = scheme.Currency,
            Links = new() { ["customer"] = customer.Id },
        });
        var mandate = account.Add(new GcMandate
        {
            Id = SandboxIds.GoCardless("MD"),
            CreatedAt = action.Timestamp,
            Reference = "SANDBOX-" + SandboxIds.GoCardless("")[2..10],
            Scheme = scheme.Name,
            Status = mandateStatus,
            Metadata = new Dictionary<string, string>(request.MandateRequest.Metadata),
            Links = new() { ["creditor"] = account.CreditorId, ["customer"] = customer.Id, ["customer_bank_account"] = bankAccount.Id },
            LastChangedAt = action.Now,
        });
        request.Status = "fulfilled";
        request.Links["customer"] = customer.Id;
        request.Links["customer_bank_account"] = bankAccount.Id;
        request.Links["mandate_request_mandate"] = mandate.Id;
        request.MandateRequest.Links["mandate"] = mandate.Id;
        request.Actions.ForEach(a => a.Status = "completed");

        action.Emit("billing_requests", "fulfilled",
            new()
            {
                ["billing_request"] = request.Id,
                ["mandate_request_mandate"] = mandate.Id,
                ["customer"] = customer.Id,
                ["customer_bank_account"] = bankAccount.Id,
            },
            new("payer", "billing_request_fulfilled", "This billing request has been fulfilled, and the resources have been created."),
            request.Metadata);
        action.Emit("mandates", "created", new() { ["mandate"] = mandate.Id, ["customer"] = customer.Id },
            new("payer", "mandate_created", "Mandate created via the billing request flow.", scheme.Name), mandate.Metadata);
        if (mandateStatus == "active")
        {
            action.Emit("mandates", "active", new() { ["mandate"] = mandate.Id },
                new("gocardless", "mandate_activated", "The mandate has been activated.", scheme.Name), mandate.Metadata);
        }

        return mandate;
    }

    public static void ActivateMandate(GoCardlessAction action, GcMandate mandate)
    {
        if (mandate.Status is "pending_customer_approval" or "pending_submission")
        {
            MoveMandate(action, mandate, "submitted", "submitted", "gocardless", "mandate_submitted", "The mandate has been submitted to the banks.");
        }

        if (mandate.Status == "submitted")
        {
            MoveMandate(action, mandate, "active", "active", "gocardless", "mandate_activated", "The mandate has been activated.");
        }
    }

    public static void FailMandate(GoCardlessAction action, GcMandate mandate)
    {
        RequireMandateStatus(mandate, "pending_customer_approval", "pending_submission", "submitted");
        MoveMandate(action, mandate, "failed", "failed", "bank", "invalid_bank_details", "The specified bank account does not exist or was closed.");
        CancelPendingPayments(action, mandate);
    }

    public static void EndMandate(GoCardlessAction action, GcMandate mandate, string status, string origin, string cause, string description)
    {
        if (!IsUsable(mandate))
        {
            throw GoCardlessApiError.InvalidState("cancellation_failed", $"The mandate is {mandate.Status} and cannot be {status}.");
        }

        MoveMandate(action, mandate, status, status, origin, cause, description);
        CancelPendingPayments(action, mandate);
    }

    // Walks a payment forward through pending_submission → submitted → confirmed → paid_out, one event per step.
    public static void AdvancePayment(GoCardlessAction action, GcPayment payment, string target)
    {
        var from = Array.IndexOf(PaymentProgress, payment.Status);
        var to = Array.IndexOf(PaymentProgress, target);
        if (from < 0 || from > to)
        {
            throw GoCardlessApiError.InvalidState("invalid_state", $"The payment is {payment.Status} and cannot move to {target}.");
        }

        for (var step = from + 1; step <= to; step++)
        {
            var status = PaymentProgress[step];
            var links = new Dictionary<string, string> { ["payment"] = payment.Id };
            if (status == "paid_out")
            {
                payment.Links["payout"] = GoCardlessPayouts.PayOut(action, payment).Id;
                links["payout"] = payment.Links["payout"];
            }

            var (cause, description) = status switch
            {
                "submitted" => ("payment_submitted", "Payment submitted to the banks. As a result, it can no longer be cancelled."),
                "confirmed" => ("payment_confirmed", "Enough time has passed since the payment was submitted for the banks to return an error, so this payment is now confirmed."),
                _ => ("payment_paid_out", "The payment has been paid out by GoCardless."),
            };
            MovePayment(action, payment, status, status, links, new GcEventDetails("gocardless", cause, description));
        }
    }

    public static void FailPayment(GoCardlessAction action, GcPayment payment, bool late)
    {
        var scheme = SchemeOf(action.Account, payment);
        if (late)
        {
            AdvancePayment(action, payment, "paid_out");
        }
        else if (payment.Status is not ("pending_submission" or "submitted"))
        {
            throw GoCardlessApiError.InvalidState("invalid_state", $"The payment is {payment.Status}; only a pending or submitted payment can fail.");
        }
        else
        {
            AdvancePayment(action, payment, "submitted");
        }

        MovePayment(action, payment, "failed", "failed", new() { ["payment"] = payment.Id }, new GcEventDetails(
            "bank", "insufficient_funds",
            late ? "The customer's account had insufficient funds; the bank reported this after the payment was paid out (late failure)."
                 : "The customer's account had insufficient funds to make this payment.",
            scheme.Name, scheme.FailureReasonCode, WillAttemptRetry: false));
        if (late)
        {
            action.Emit("payments", "late_failure_settled", new() { ["payment"] = payment.Id, ["payout"] = payment.Links["payout"] },
                new GcEventDetails("gocardless", "late_failure_settled", "The late failure was debited from a payout."), payment.Metadata);
        }
    }

    public static void ChargeBack(GoCardlessAction action, GcPayment payment)
    {
        var scheme = SchemeOf(action.Account, payment);
        AdvancePayment(action, payment, "paid_out");
        MovePayment(action, payment, "charged_back", "charged_back", new() { ["payment"] = payment.Id }, new GcEventDetails(
            "bank", "authorisation_disputed", "The customer has disputed having authorised this payment with their bank (a chargeback).",
            scheme.Name, scheme.FailureReasonCode));
    }

    public static void CancelPayment(GoCardlessAction action, GcPayment payment, string origin, string cause, string description)
    {
        if (payment.Status is not ("pending_submission" or "pending_customer_approval"))
        {
            throw GoCardlessApiError.InvalidState("cancellation_failed", $"This payment has status {payment.Status} and can no longer be cancelled.");
        }

        MovePayment(action, payment, "cancelled", "cancelled", new() { ["payment"] = payment.Id }, new GcEventDetails(origin, cause, description));
    }

    public static void RetryPayment(GoCardlessAction action, GcPayment payment, DateOnly? chargeDate)
    {
        var mandate = action.Account.Get<GcMandate>(payment.Links["mandate"]);
        if (payment.Status != "failed" || !IsUsable(mandate))
        {
            throw GoCardlessApiError.InvalidState("retry_failed", $"This payment has status {payment.Status} (mandate {mandate.Status}); only a failed payment on a usable mandate can be retried.");
        }

        if (payment.Retries >= 3)
        {
            throw GoCardlessApiError.InvalidState("retry_failed", "This payment has already been retried the maximum number of times (3).");
        }

        payment.Retries++;
        var earliest = NextPossibleChargeDate(mandate, action.Now)!.Value;
        payment.ChargeDate = GoCardlessJson.Date(chargeDate is { } requested && requested > earliest ? WorkingDays.RollForward(requested) : earliest);
        MovePayment(action, payment, "pending_submission", "resubmission_requested", new() { ["payment"] = payment.Id },
            new GcEventDetails("api", "payment_retried", "The payment has been scheduled for retry."));
    }

    // The demo ticker: one step per mandate or payment every few seconds of sandbox time.
    public static void DemoStep(GoCardlessAction action)
    {
        foreach (var mandate in action.Account.NewestFirst<GcMandate>().Where(m => action.Now - m.LastChangedAt >= DemoStepInterval))
        {
            switch (mandate.Status)
            {
                case "pending_submission":
                    MoveMandate(action, mandate, "submitted", "submitted", "gocardless", "mandate_submitted", "The mandate has been submitted to the banks.");
                    break;
                case "submitted":
                    MoveMandate(action, mandate, "active", "active", "gocardless", "mandate_activated", "The mandate has been activated.");
                    break;
            }
        }

        foreach (var payment in action.Account.NewestFirst<GcPayment>().Where(p => action.Now - p.LastChangedAt >= DemoStepInterval))
        {
            var step = Array.IndexOf(PaymentProgress, payment.Status);
            if (step >= 0 && step < PaymentProgress.Length - 1)
            {
                AdvancePayment(action, payment, PaymentProgress[step + 1]);
            }
        }
    }

    private static void CancelPendingPayments(GoCardlessAction action, GcMandate mandate)
    {
        foreach (var payment in action.Account.NewestFirst<GcPayment>().Where(p => p.Links["mandate"] == mandate.Id && p.Status is "pending_submission" or "pending_customer_approval"))
        {
            CancelPayment(action, payment, "gocardless", "mandate_cancelled", "The mandate for this payment was cancelled or failed, so the payment was cancelled.");
        }
    }

    private static void MoveMandate(GoCardlessAction action, GcMandate mandate, string status, string eventAction, string origin, string cause, string description)
    {
        mandate.Status = status;
        mandate.LastChangedAt = action.Now;
        if (status == "active")
        {
            mandate.VerifiedAt ??= action.Timestamp;
        }

        var scheme = GoCardlessSchemes.Named(mandate.Scheme)!;
        action.Emit("mandates", eventAction, new() { ["mandate"] = mandate.Id },
            new GcEventDetails(origin, cause, description, scheme.Name, origin == "bank" ? scheme.FailureReasonCode : null), mandate.Metadata);
    }

    private static void MovePayment(GoCardlessAction action, GcPayment payment, string status, string eventAction, Dictionary<string, string> links, GcEventDetails details)
    {
        payment.Status = status;
        payment.LastChangedAt = action.Now;
        action.Emit("payments", eventAction, links, details, payment.Metadata);
    }

    private static void RequireMandateStatus(GcMandate mandate, params string[] allowed)
    {
        if (!allowed.Contains(mandate.Status))
        {
            throw GoCardlessApiError.InvalidState("invalid_state", $"The mandate is {mandate.Status}; expected one of {string.Join(", ", allowed)}.");
        }
    }

    private static GoCardlessScheme SchemeOf(GoCardlessAccount account, GcPayment payment) =>
        GoCardlessSchemes.Named(account.Get<GcMandate>(payment.Links["mandate"]).Scheme)!;
}
