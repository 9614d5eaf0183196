using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DirectDebitRetries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Policy_DirectDebitRetryDays",
                table: "Firms",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "Policy_DirectDebitRetryWaitsForPayday",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "DirectDebitRetries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientAccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FailedPaymentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    FailureCause = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PlannedFor = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PlannedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    CancelledBecause = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    RetryPaymentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectDebitRetries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DirectDebitRetries_ClientAccounts_ClientAccountId",
                        column: x => x.ClientAccountId,
                        principalTable: "ClientAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DirectDebitRetries_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_ClientAccountId",
                table: "DirectDebitRetries",
                column: "ClientAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_FailedPaymentId",
                table: "DirectDebitRetries",
                column: "FailedPaymentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_FirmId_Status_PlannedFor",
                table: "DirectDebitRetries",
                columns: new[] { "FirmId", "Status", "PlannedFor" });

            migrationBuilder.CreateIndex(
                name: "IX_DirectDebitRetries_InvoiceId_Attempt",
                table: "DirectDebitRetries",
                columns: new[] { "InvoiceId", "Attempt" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DirectDebitRetries");

            migrationBuilder.DropColumn(
                name: "Policy_DirectDebitRetryDays",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Policy_DirectDebitRetryWaitsForPayday",
                table: "Firms");
        }
    }
}
