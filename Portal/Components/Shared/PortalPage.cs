using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Data;
using Portal.Domain;
using Portal.Firms;
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

    [Inject] protected FirmCalendar Calendar { get; set; } = default!;

    /// <summary>The firm's local date (see <see cref="FirmCalendar"/>): what is overdue, the default day of a form.</summary>
    protected DateOnly Today => Calendar.Today;

    /// <summary>A moment shown as its day on the firm's calendar.</summary>
    protected string ShowDay(DateTimeOffset moment) => DateFormat.Show(moment, Calendar.Calendar);

    /// <summary>A moment shown with its time on the firm's clock.</summary>
    protected string ShowTime(DateTimeOffset moment) => DateFormat.ShowWithTime(moment, Calendar.Calendar);

    /// <summary>
    /// Reads the firm's time zone before the page's own initialisation, so <see cref="Today"/> is right from the first
    /// render. The parameters are taken first: they may not be read after an await.
    /// </summary>
    public override async Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        await Calendar.LoadAsync();
        await base.SetParametersAsync(ParameterView.Empty);
    }

    protected bool Busy { get; private set; }

    /// <summary>The last action's refusals about single fields, which the fields of <see cref="Form"/> show (<see cref="FieldRefusals.Of{T}"/>).</summary>
    protected FieldRefusals Refusals { get; } = new();

    /// <summary>
    /// The page's form, when a refusal about one of its fields (<see cref="DomainException.Field"/>) is to be shown on
    /// that field rather than in a message.
    /// </summary>
    protected MudForm? Form { get; set; }

    /// <summary>Where the page with a <see cref="Form"/> has its <see cref="FocusFirstError"/>: the focus moves to the refused field.</summary>
    protected FocusFirstError? FirstError { get; set; }

    /// <summary>Checks the fields of <see cref="Form"/>; when one is in error, the focus moves to the first (<see cref="FirstError"/>).</summary>
    protected async Task<bool> CheckFormAsync()
    {
        if (Form is not { } form)
            return true;
        await form.ValidateAsync();
        if (!form.IsValid)
            FirstError?.Request();
        return form.IsValid;
    }

    /// <summary>Runs a user action; a domain rule or a missing row becomes a message, and the page stays usable.</summary>
    protected async Task<bool> TryAsync(Func<Task> action, string? success = null)
    {
        Busy = true;
        Refusals.Clear();
        try
        {
            await action();
            if (success is not null)
                Snackbar.Add(success, Severity.Success);
            return true;
        }
        catch (DomainException ex) when (ex.Field is { } field && Form is { } form)
        {
            var text = ex.ToText(T);
            Refusals.Add(field, text);
            await form.ValidateAsync();
            // A field the page shows now says it; a refusal no field of the form took is said in a message.
            if (form.Errors.Contains(text))
                FirstError?.Request();
            else
                Snackbar.Add(text, Severity.Error);
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
