using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeanerMoneyIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Postings_FirmId_ClientAccountId_AccountKind",
                table: "Postings");

            migrationBuilder.DropIndex(
                name: "IX_Postings_FirmId_InvoiceId",
                table: "Postings");

            migrationBuilder.DropIndex(
                name: "IX_Payments_ClientAccountId",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_ClientAccountId_CreatedAt",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_Provider_ProviderCheckoutId",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_Provider_ProviderPaymentId",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_PaymentAllocations_FirmId_InvoiceId",
                table: "PaymentAllocations");

            migrationBuilder.CreateIndex(
                name: "IX_Postings_ClientAccountId_AccountKind",
                table: "Postings",
                columns: new[] { "ClientAccountId", "AccountKind" },
                filter: "\"ClientAccountId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Postings_InvoiceId",
                table: "Postings",
                column: "InvoiceId",
                filter: "\"InvoiceId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_ClientAccountId_CreatedAt",
                table: "Payments",
                columns: new[] { "ClientAccountId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_Provider_ProviderCheckoutId",
                table: "Payments",
                columns: new[] { "FirmId", "Provider", "ProviderCheckoutId" },
                unique: true,
                filter: "\"ProviderCheckoutId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_Provider_ProviderPaymentId",
                table: "Payments",
                columns: new[] { "FirmId", "Provider", "ProviderPaymentId" },
                unique: true,
                filter: "\"ProviderPaymentId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Postings_ClientAccountId_AccountKind",
                table: "Postings");

            migrationBuilder.DropIndex(
                name: "IX_Postings_InvoiceId",
                table: "Postings");

            migrationBuilder.DropIndex(
                name: "IX_Payments_ClientAccountId_CreatedAt",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_Provider_ProviderCheckoutId",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_Provider_ProviderPaymentId",
                table: "Payments");

            migrationBuilder.CreateIndex(
                name: "IX_Postings_FirmId_ClientAccountId_AccountKind",
                table: "Postings",
                columns: new[] { "FirmId", "ClientAccountId", "AccountKind" });

            migrationBuilder.CreateIndex(
                name: "IX_Postings_FirmId_InvoiceId",
                table: "Postings",
                columns: new[] { "FirmId", "InvoiceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_ClientAccountId",
                table: "Payments",
                column: "ClientAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_ClientAccountId_CreatedAt",
                table: "Payments",
                columns: new[] { "FirmId", "ClientAccountId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_Provider_ProviderCheckoutId",
                table: "Payments",
                columns: new[] { "FirmId", "Provider", "ProviderCheckoutId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_Provider_ProviderPaymentId",
                table: "Payments",
                columns: new[] { "FirmId", "Provider", "ProviderPaymentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PaymentAllocations_FirmId_InvoiceId",
                table: "PaymentAllocations",
                columns: new[] { "FirmId", "InvoiceId" });
        }
    }
}
