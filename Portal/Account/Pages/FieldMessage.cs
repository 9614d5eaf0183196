using System.Linq.Expressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Rendering;

namespace Portal.Account.Pages;

/// <summary>
/// A field's validation messages, tied to the field: the field names <see cref="Id"/> in its aria-describedby, so a
/// screen reader reads the error with the field (Blazor's inputs already say aria-invalid). The block is always
/// rendered, empty when the field is fine, so that reference always resolves, and it is a live region, so a message
/// that appears while the page runs is announced.
/// </summary>
public sealed class FieldMessage<TValue> : ComponentBase, IDisposable
{
    private EditContext? _subscribedTo;
    private FieldIdentifier _field;

    [CascadingParameter]
    private EditContext EditContext { get; set; } = default!;

    [Parameter, EditorRequired]
    public Expression<Func<TValue>> For { get; set; } = default!;

    /// <summary>The element's id, which the field lists in its aria-describedby.</summary>
    [Parameter, EditorRequired]
    public string Id { get; set; } = "";

    protected override void OnParametersSet()
    {
        _field = FieldIdentifier.Create(For);
        if (ReferenceEquals(_subscribedTo, EditContext))
            return;
        Unsubscribe();
        _subscribedTo = EditContext;
        _subscribedTo.OnValidationStateChanged += ValidationStateChanged;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "id", Id);
        builder.AddAttribute(2, "class", "field-message");
        builder.AddAttribute(3, "aria-live", "polite");
        foreach (var message in EditContext.GetValidationMessages(_field))
        {
            builder.OpenElement(4, "div");
            builder.AddAttribute(5, "class", "validation-message");
            builder.AddContent(6, message);
            builder.CloseElement();
        }
        builder.CloseElement();
    }

    private void ValidationStateChanged(object? sender, ValidationStateChangedEventArgs e) => StateHasChanged();

    private void Unsubscribe()
    {
        if (_subscribedTo is not null)
            _subscribedTo.OnValidationStateChanged -= ValidationStateChanged;
    }

    public void Dispose() => Unsubscribe();
}
