import "./sla_timer";
import "./customer_panel";
import "./order_detail";
import "./report_filters";
import "./queues";
import "./conversation";
import "./canned_replies";
import "./chart_legends";
