using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TokenFunction.Secrets;

var builder = FunctionsApplication.CreateBuilder(args);

var apiKey = builder.Configuration["LIVEKIT_API_KEY"] ?? "devkey";
var apiSecret = builder.Configuration["LIVEKIT_API_SECRET"] ?? "secret";
builder.Services.AddSingleton<IKeyProvider>(new StaticKeyProvider(new ApiCredentials(apiKey, apiSecret)));
builder.Services.AddSingleton(TimeProvider.System);

builder.Build().Run();
