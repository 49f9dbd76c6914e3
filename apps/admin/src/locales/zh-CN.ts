const zhCN = {
  app: {
    title: 'VMCloud 售货机云平台',
  },
  language: {
    label: '语言',
  },
  signIn: {
    title: '登录',
    tenantCode: '租户编号',
    tenantCodePlaceholder: '6 位数字',
    username: '用户名',
    password: '密码',
    submit: '登录',
    succeeded: '登录成功',
    unreachable: '无法连接服务器，请稍后再试',
    errors: {
      tenantCodeRequired: '请输入租户编号',
      tenantCodeFormat: '租户编号为 6 位数字',
      usernameRequired: '请输入用户名',
      passwordRequired: '请输入密码',
    },
  },
};

/** The shape every locale's messages must have. */
export type Messages = typeof zhCN;

export default zhCN;
