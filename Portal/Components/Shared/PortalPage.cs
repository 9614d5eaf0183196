using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Data;
using Portal.Domain;
using Portal.Localization;

namespace Portal.Components.Shared;

/// <summary>
/// What every interactive page needs: a fresh DbContext per operation, and actions that turn a broken rule
/// into a clear message for the person instead of an error page.
/// </summary>
public abstract class PortalPage : ComponentBase
{
    [Inject] protected IDbContextFactory<PortalDbContext> DbFactory { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] protected NavigationManager Navigation { get; set; } = default!;
    [Inject] protected IStringLocalizer<Text> T { get; set; } = default!;
    [Inject] protected TimeProvider Clock { get; set; } = default!;

    protected DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    protected bool Busy { get; private set; }

    /// <summary>Runs a user action; a domain rule or a missing row becomes a message, and the page stays usable.</summary>
    protected async Task<bool> TryAsync(Func<Task> action, string? success = null)
    {
        Busy = true;
        try
        {
            await action();
            if (success is not null)
                Snackbar.Add(success, Severity.Success);
            return true;
        }
        catch (DomainException ex)
        {
            Snackbar.Add(ex.ToText(T), Severity.Error);
        }
        catch (NotFoundException)
        {
            Snackbar.Add(T["NotFoundBody"], Severity.Error);
        }
        catch (DbUpdateConcurrencyException)
        {
            Snackbar.Add(T["ChangedMeanwhile"], Severity.Warning);
        }
        finally
        {
            Busy = false;
        }
        return false;
    }
}
