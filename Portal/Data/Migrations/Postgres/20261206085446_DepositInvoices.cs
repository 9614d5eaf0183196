using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DepositInvoices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DepositInvoices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientAccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    PaymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Method = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Number = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    IssuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    TotalMinor = table.Column<long>(type: "bigint", nullable: false),
                    NetMinor = table.Column<long>(type: "bigint", nullable: false),
                    TaxMinor = table.Column<long>(type: "bigint", nullable: false),
                    TaxRateBasisPoints = table.Column<int>(type: "integer", nullable: false),
                    LedgerTransactionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConsumedMinor = table.Column<long>(type: "bigint", nullable: false),
                    ConsumedTaxMinor = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DepositInvoices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DepositInvoices_ClientAccounts_ClientAccountId",
                        column: x => x.ClientAccountId,
                        principalTable: "ClientAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DepositInvoiceSequences",
                columns: table => new
                {
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    Prefix = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Next = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DepositInvoiceSequences", x => x.FirmId);
                });

            migrationBuilder.CreateTable(
                name: "DepositInvoiceSettings",
                columns: table => new
                {
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    Mode = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    VatRateBasisPoints = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DepositInvoiceSettings", x => x.FirmId);
                });

            migrationBuilder.CreateTable(
                name: "DepositDeductions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientAccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    DepositInvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    DepositNumber = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    DepositDate = table.Column<DateOnly>(type: "date", nullable: false),
                    TaxRateBasisPoints = table.Column<int>(type: "integer", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    PaymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    LedgerTransactionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    TotalMinor = table.Column<long>(type: "bigint", nullable: false),
                    NetMinor = table.Column<long>(type: "bigint", nullable: false),
                    TaxMinor = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DepositDeductions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DepositDeductions_DepositInvoices_DepositInvoiceId",
                        column: x => x.DepositInvoiceId,
                        principalTable: "DepositInvoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DepositDeductions_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DepositDeductions_DepositInvoiceId",
                table: "DepositDeductions",
                column: "DepositInvoiceId");

            migrationBuilder.CreateIndex(
                name: "IX_DepositDeductions_InvoiceId",
                table: "DepositDeductions",
                column: "InvoiceId");

            migrationBuilder.CreateIndex(
                name: "IX_DepositDeductions_LedgerTransactionId",
                table: "DepositDeductions",
                column: "LedgerTransactionId");

            migrationBuilder.CreateIndex(
                name: "IX_DepositDeductions_PaymentId_DepositInvoiceId",
                table: "DepositDeductions",
                columns: new[] { "PaymentId", "DepositInvoiceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DepositInvoices_ClientAccountId_IssuedAt",
                table: "DepositInvoices",
                columns: new[] { "ClientAccountId", "IssuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DepositInvoices_FirmId_Number",
                table: "DepositInvoices",
                columns: new[] { "FirmId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DepositInvoices_PaymentId",
                table: "DepositInvoices",
                column: "PaymentId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DepositDeductions");

            migrationBuilder.DropTable(
                name: "DepositInvoiceSequences");

            migrationBuilder.DropTable(
                name: "DepositInvoiceSettings");

            migrationBuilder.DropTable(
                name: "DepositInvoices");
        }
    }
}
