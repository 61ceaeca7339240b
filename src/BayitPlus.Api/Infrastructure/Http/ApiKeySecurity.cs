using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>Endpoint metadata: the operation serves a caller that sends an API key in
/// <paramref name="Header"/> or the bearer token of an admin (the endpoint's policy enforces it;
/// this only describes it). <paramref name="Description"/> says whose keys they are and where they are set.</summary>
public sealed record ApiKeyOrAdmin(string SchemeName, string Header, string Description)
{
    /// <summary>The admin's alternative is a bearer scheme of its own: admin endpoints must not share
    /// a security requirement with other endpoints (OWASP API5), so this one cannot name <c>AdminBearer</c>.</summary>
    public string AdminSchemeName => $"{SchemeName}Admin";
}

public static class ApiKeySecurity
{
    public static TBuilder AcceptsApiKeyOrAdmin<TBuilder>(this TBuilder builder, ApiKeyOrAdmin key) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(key);
}

/// <summary>Declares the API-key schemes the operations name, and their admin-token alternatives
/// (see <see cref="OperationSecurityTransformer"/>).</summary>
public sealed class ApiKeySecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var keys = context.DescriptionGroups
            .SelectMany(group => group.Items)
            .SelectMany(description => description.ActionDescriptor.EndpointMetadata.OfType<ApiKeyOrAdmin>())
            .DistinctBy(key => key.SchemeName, StringComparer.Ordinal)
            .ToList();
        if (keys.Count == 0)
        {
            return Task.CompletedTask;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        foreach (var key in keys)
        {
            document.Components.SecuritySchemes[key.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = key.Header,
                Description = key.Description,
            };
            document.Components.SecuritySchemes[key.AdminSchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = $"Instead of an API key in {key.Header}: the accessToken of an account whose role is admin, and the account still holds that role." + BearerSecurityTransformer.Checks,
            };
        }

        return Task.CompletedTask;
    }
}
