using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>Declares the bearer-token schemes the operations name (see
/// <see cref="OperationSecurityTransformer"/>), so the API reference can send tokens: one per
/// role a policy asks for, as admin operations must not share a security requirement with the
/// others. Each says what the server checks of a token (<c>AuthSetup.AddJwtAuth</c>).</summary>
public sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "Bearer";
    public const string AdminSchemeName = "AdminBearer";
    public const string BetaSchemeName = "BetaBearer";

    public const string Checks =
        " The server follows RFC8725 (JSON Web Token Best Current Practices): only HS256 with a key of at least 256 bits"
        + " is accepted (alg none and every other algorithm are refused); the signature, the issuer (iss) and the audience (aud)"
        + " must be this API's; exp is required and enforced, as nbf is, with 30 seconds of clock skew; a token that lasts"
        + " longer than the access tokens this API issues, or says neither when it starts (nbf) nor when it was issued (iat),"
        + " is refused. The account the token names (sub) must still exist and be active.";

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        [SchemeName] = "The accessToken a sign-in or a refresh returns." + Checks,
        [AdminSchemeName] = "The accessToken of an account whose role is admin: its role claim says admin, and the account still holds that role." + Checks,
        [BetaSchemeName] = "The accessToken of an account whose role is beta or admin: its role claim says so, and the account still holds that role." + Checks,
    };

    /// <summary>Runs after the operation transformers, so it declares exactly the schemes they referenced.</summary>
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var used = (document.Paths ?? [])
            .SelectMany(path => path.Value.Operations ?? [])
            .SelectMany(operation => operation.Value.Security ?? [])
            .SelectMany(requirement => requirement.Keys)
            .Select(scheme => scheme.Reference.Id)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        foreach (var (name, description) in Descriptions.Where(scheme => used.Contains(scheme.Key)))
        {
            document.Components.SecuritySchemes[name] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = description,
            };
        }

        return Task.CompletedTask;
    }
}
