using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.ApiKeys;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Payments.Api;

public sealed record ApiAllocation(Guid? InvoiceId, ApiMoney Amount);

public sealed record ApiPayment(Guid Id, Guid ClientId, PaymentMethod Method, PaymentStatus Status, ApiMoney Amount, ApiMoney Refunded, string? Reference,
    DateTimeOffset CreatedAt, DateTimeOffset? SucceededAt, IReadOnlyList<ApiAllocation> Allocations)
{
    public string Object => "payment";

    /// <summary>An allocation without an invoice is money kept as the client's credit.</summary>
    public static ApiPayment From(Payment payment) => new(payment.Id, payment.ClientAccountId, payment.Method, payment.Status, ApiMoney.From(payment.Amount),
        ApiMoney.From(payment.Refunded), payment.Reference, payment.CreatedAt, payment.SucceededAt,
        payment.Allocations.Select(a => new ApiAllocation(a.InvoiceId, ApiMoney.From(a.Amount))).ToList());
}

public sealed record ApiMoneyInput(long? AmountMinor, string? Currency);

public sealed record ApiAllocationInput(Guid? InvoiceId, long? AmountMinor);

/// <summary>Money received by hand; parameters with a default may be left out of the JSON (the OpenAPI document marks the others required).</summary>
public sealed record ApiOfflinePaymentCreate(Guid? ClientId, PaymentMethod? Method, ApiMoneyInput? Amount, string? Reference = null,
    IReadOnlyList<ApiAllocationInput>? Allocations = null, bool? SurplusToCredit = null, DateTimeOffset? ReceivedAt = null);

/// <summary>
/// <c>/api/v1/payments</c>: payments that reached the money stage (an abandoned card page is not a payment), and
/// recording a transfer, cheque or cash through <see cref="ManualPaymentRecorder"/>, the pages' own ledger rules.
/// </summary>
public static class PaymentsApi
{
    private static readonly PaymentMethod[] OfflineMethods = [PaymentMethod.BankTransfer, PaymentMethod.Cheque, PaymentMethod.Cash];

    public static void MapPaymentsApi(this RouteGroupBuilder api)
    {
        var payments = api.MapGroup("/payments").WithTags("Payments").ForResource(ApiResources.Payments);
        payments.MapGet("", ListAsync).WithName("ListPayments").WithSummary("List payments, oldest first, filtered by client and status, a page at a time.")
            .WithDescription("Payments by card, direct debit, transfer, cheque or cash that reached the money stage (an abandoned card page is not a payment), with the invoices each paid. Filter with `client_id` and `status`; page with `limit` and `starting_after`.")
            .Returns<ApiList<ApiPayment>>().Fails(StatusCodes.Status400BadRequest);
        payments.MapGet("/{id:guid}", GetAsync).WithName("GetPayment").WithSummary("Get one payment with what it paid.")
            .WithDescription("One payment: method, status, amount, what was refunded, and its allocations (an allocation without `invoice_id` is money kept as the client's credit).")
            .Returns<ApiPayment>().Fails(StatusCodes.Status404NotFound);
        payments.MapPost("", RecordAsync).WithName("RecordOfflinePayment")
            .WithSummary("Record a bank transfer, cheque or cash received, applied to invoices (oldest due first unless allocations are given).")
            .WithDescription("Books money received outside the providers. Without `allocations` it pays the client's invoices oldest due first; with them, the invoices named. What is left is kept as credit when `surplus_to_credit` is true, and refused (422) otherwise.")
            .Reads<ApiOfflinePaymentCreate>().Returns<ApiPayment>(StatusCodes.Status201Created).Writes("Payment");
    }

    private static async Task<IResult> ListAsync(string? limit, [FromQuery(Name = "starting_after")] string? startingAfter,
        [FromQuery(Name = "client_id")] string? clientId, string? status, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (page, problem) = ApiPage.Read(limit, startingAfter);
        if (page is null)
            return problem!;
        var errors = new List<ApiFieldError>();
        Guid? client = null;
        if (clientId is not null)
        {
            if (Guid.TryParse(clientId, out var id))
                client = id;
            else
                errors.Add(new("client_id", "invalid_id", "client_id must be a client's id."));
        }
        PaymentStatus? wanted = null;
        if (status is not null)
        {
            var named = Enum.GetValues<PaymentStatus>().Where(s => s != PaymentStatus.Initiated && ApiEnum.Name(s) == status).ToList();
            if (named.Count == 1)
                wanted = named[0];
            else
                errors.Add(new("status", "invalid_status", "status is not a payment status."));
        }
        if (errors.Count > 0)
            return ApiProblems.Validation([.. errors]);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Payments.AsNoTracking().Include(p => p.Allocations).Where(Payment.ReachedMoneyStage);
        if (client is { } c)
            query = query.Where(p => p.ClientAccountId == c);
        if (wanted is { } s)
            query = query.Where(p => p.Status == s);
        if (page.StartingAfter is { } after)
            query = query.Where(p => p.Id.CompareTo(after) > 0);
        var rows = await query.OrderBy(p => p.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return ApiJson.Ok(page.ToList(rows.Select(ApiPayment.From).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var payment = await ReadAsync(dbFactory, id, cancellationToken);
        return payment is null ? ApiProblems.NotFound("payment") : ApiJson.Ok(ApiPayment.From(payment));
    }

    private static async Task<IResult> RecordAsync(HttpRequest request, ManualPaymentRecorder recorder, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiOfflinePaymentCreate>(request, cancellationToken);
        if (body is null)
            return problem!;
        var errors = new List<ApiFieldError>();
        if (body.ClientId is null)
            errors.Add(new("client_id", "required", "A payment needs the id of the client who paid."));
        if (body.Method is not { } method)
            errors.Add(new("method", "required", "method is bank_transfer, cheque or cash."));
        else if (!OfflineMethods.Contains(method))
            errors.Add(new("method", "not_offline", "Only bank_transfer, cheque or cash can be recorded; card and direct debit payments come from the providers."));
        var currency = default(Currency);
        if (body.Amount is null)
            errors.Add(new("amount", "required", "A payment needs an amount: { \"amount_minor\": 12000, \"currency\": \"EUR\" }."));
        else
        {
            if (body.Amount.AmountMinor is not > 0)
                errors.Add(new("amount.amount_minor", "out_of_range", "The amount, in minor units, must be more than zero."));
            if (!Currency.TryFromCode(body.Amount.Currency, out currency))
                errors.Add(new("amount.currency", "unsupported_currency", "The currency must be an ISO 4217 code Portal supports."));
        }
        for (var i = 0; i < (body.Allocations?.Count ?? 0); i++)
        {
            var allocation = body.Allocations![i];
            if (allocation.InvoiceId is null)
                errors.Add(new($"allocations[{i}].invoice_id", "required", "Each allocation names an invoice."));
            if (allocation.AmountMinor is not > 0)
                errors.Add(new($"allocations[{i}].amount_minor", "out_of_range", "Each allocation is for more than zero."));
        }
        if (errors.Count > 0)
            return ApiProblems.Validation([.. errors]);

        var allocations = body.Allocations?.Select(a => new InvoiceAmount(a.InvoiceId!.Value, new Money(a.AmountMinor!.Value, currency))).ToList();
        // The API's own idempotency key also keys the money operation, so even a replay that got past the kept answer books once.
        var key = $"api:{request.Headers["Idempotency-Key"]}";
        var result = await recorder.RecordAsync(new ManualPaymentRequest(body.ClientId!.Value, body.Method!.Value, new Money(body.Amount!.AmountMinor!.Value, currency),
            allocations, body.SurplusToCredit ?? false, body.Reference, key, body.ReceivedAt), cancellationToken);
        var payment = await ReadAsync(dbFactory, result.Id!.Value, cancellationToken) ?? throw new NotFoundException("payment");
        return ApiJson.Created($"{ApiSetup.BasePath}/payments/{payment.Id}", ApiPayment.From(payment));
    }

    private static async Task<Payment?> ReadAsync(IDbContextFactory<PortalDbContext> dbFactory, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Payments.AsNoTracking().Include(p => p.Allocations).Where(Payment.ReachedMoneyStage).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
    }
}
