"""Audit Workbench: GB/T 27922 after-sales service certification (商品售后服务评价体系认证)."""

__version__ = "0.1.0"
