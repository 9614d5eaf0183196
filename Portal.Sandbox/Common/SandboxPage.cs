using System.Net;
using Microsoft.AspNetCore.Http;

namespace Portal.Sandbox.Common;

// The shell of the hosted pages: plain HTML that works on a phone without scripts, clearly marked as a sandbox.
public static class SandboxPage
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static IResult Html(string title, string bodyHtml, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(Document(title, bodyHtml), "text/html; charset=utf-8", statusCode: statusCode);

    public static string Button(string action, string label, string style = "primary") =>
        $"""<button type="submit" name="action" value="{Encode(action)}" class="{style}">{Encode(label)}</button>""";

    private static string Document(string title, string bodyHtml) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>Sandbox · {{Encode(title)}}</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0; background: #f4f4f7; color: #1a1a2e; }
          .banner { background: #ffb020; color: #1a1a2e; text-align: center; font-weight: 700; padding: .5rem; letter-spacing: .05em; }
          main { max-width: 28rem; margin: 1.5rem auto; background: #fff; border-radius: .75rem; padding: 1.25rem; box-shadow: 0 1px 4px rgba(0,0,0,.1); }
          h1 { font-size: 1.25rem; margin-top: 0; }
          .amount { font-size: 2rem; font-weight: 700; margin: .5rem 0 1rem; }
          .error { background: #fde8e8; color: #9b1c1c; padding: .75rem; border-radius: .5rem; margin-bottom: 1rem; }
          .muted { color: #666; font-size: .9rem; }
          label { display: block; margin: .5rem 0 .25rem; font-size: .9rem; }
          input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #ccc; border-radius: .4rem; }
          button { display: block; width: 100%; padding: .85rem; margin: .5rem 0; font-size: 1rem; border: 0; border-radius: .5rem; cursor: pointer; }
          .primary { background: #3a3ad6; color: #fff; }
          .secondary { background: #e6e6f0; color: #1a1a2e; }
          .danger { background: #c81e1e; color: #fff; }
          table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
          td { padding: .25rem 0; } td.right { text-align: right; }
        </style>
        </head>
        <body>
        <div class="banner">SANDBOX · no real money moves</div>
        <main>
        {{bodyHtml}}
        </main>
        </body>
        </html>
        """;
}
